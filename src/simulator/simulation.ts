// One simulation: a store, its task lifecycle and its callback sender, wired
// together. reset() throws a simulation away (stopping all its timers and
// callbacks) and starts a fresh one; the id generator, fault plan and media
// signer outlive it, so ids keep growing and old media URLs keep their meaning.
import type { Dispatcher } from 'undici';
import { CallbackSender } from './callbacks';
import type { CallbackLie, FaultPlan } from './faults';
import type { TaskCreations } from '../vidu/apiTypes';
import type { MediaSigner } from './media';
import type { ResolvedOptions } from './options';
import { ResponseBuilder } from './responses';
import { SimulatorStore, type SimTask } from './store';
import type { TaskIdGenerator } from './taskIds';
import { TaskLifecycle } from './taskLifecycle';
import { produceOutputs } from './taskOutputs';
import { TimerSet } from './timers';

export interface SharedParts {
  options: ResolvedOptions;
  ids: TaskIdGenerator;
  faults: FaultPlan;
  media: MediaSigner;
  dispatcher: Dispatcher;
}

export class Simulation {
  readonly timers = new TimerSet();
  readonly store: SimulatorStore;
  readonly responses: ResponseBuilder;
  readonly lifecycle: TaskLifecycle;
  private readonly callbacks: CallbackSender;

  constructor(readonly shared: SharedParts) {
    const { options, ids, faults, media, dispatcher } = shared;
    this.store = new SimulatorStore(options.initialCredits);
    this.responses = new ResponseBuilder(this.store, media);
    this.callbacks = new CallbackSender({
      apiKey: options.apiKey,
      faults,
      counters: this.store.counters.callbacks,
      timers: this.timers,
      dispatcher,
      retryDelayMs: options.callbackRetryDelayMs,
      log: options.log,
      onSent: options.onCallbackSent,
    });
    this.lifecycle = new TaskLifecycle(this.store, this.timers, options.timing, options.concurrencyLimit, {
      produce: (task) => produceOutputs(task, this.store, ids),
      changed: (task) => this.changed(task),
    });
  }

  private changed(task: SimTask): void {
    this.shared.options.log(`task ${task.id} (${task.kind}) -> ${task.state}${task.errCode ? ` ${task.errCode}` : ''}`);
    if (task.kind === 'ad' && task.state === 'success') this.shared.faults.adSucceeded();
    if (!task.callbackUrl) return;
    const body = this.responses.creations(task);
    this.callbacks.notify(task.id, task.callbackUrl, body);
    if (task.state === 'processing') {
      for (const lie of this.shared.faults.liesFor(task.id)) this.callbacks.sendExtra(task.id, task.callbackUrl, lyingBody(body, lie));
    }
  }

  dispose(): void {
    this.timers.dispose();
  }
}

/** A callback body that lies about a task still processing (see CallbackFault.lies). */
function lyingBody(truth: TaskCreations, lie: CallbackLie): TaskCreations {
  switch (lie) {
    case 'success':
      return { ...truth, state: 'success', progress: 100, err_code: '' };
    case 'failed':
      return { ...truth, state: 'failed', err_code: 'InternalServiceFailure' };
    case 'other-task':
      // An id no task has (ids are 18 digits; this one has 19).
      return { ...truth, id: `9${truth.id}`, state: 'success', progress: 100, err_code: '' };
  }
}
