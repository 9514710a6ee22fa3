// Moves tasks through created -> queueing -> processing -> success | failed,
// or to canceled. Like Vidu, an account runs at most `concurrencyLimit` tasks
// at once; the others wait in `queueing`, first come first served.
import { isFinalState } from '../vidu/apiTypes';
import { badRequest } from './errors';
import type { SimTask, SimulatorStore } from './store';
import type { TimerSet } from './timers';

export interface Timing {
  /** Minimum time in `queueing`. */
  queueMs: number;
  /** Time in `processing`. */
  processingMs: number;
  /** Progress updates during processing. */
  progressSteps: number;
}

export interface LifecycleHooks {
  /** Runs just before a task turns `success`: attach what it produced. */
  produce(task: SimTask): void;
  /** Runs after every state change (not for the initial `created`). */
  changed(task: SimTask): void;
}

export class TaskLifecycle {
  private readonly queue: SimTask[] = [];
  private readonly running = new Set<SimTask>();

  constructor(
    private readonly store: SimulatorStore,
    private readonly timers: TimerSet,
    private readonly timing: Timing,
    private readonly concurrencyLimit: number,
    private readonly hooks: LifecycleHooks,
  ) {}

  get runningCount(): number {
    return this.running.size;
  }

  /** Tasks not yet running: still `created` or waiting in `queueing`. */
  get waitingCount(): number {
    return this.store.countByState('created') + this.queue.length;
  }

  start(task: SimTask): void {
    task.state = 'created';
    task.progress = 0;
    task.timer = this.timers.after(0, () => this.enqueue(task));
  }

  cancel(task: SimTask): void {
    if (isFinalState(task.state)) throw badRequest(`task ${task.id} is already ${task.state} and cannot be canceled`);
    this.timers.cancel(task.timer);
    task.timer = undefined;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.running.delete(task);
    task.state = 'canceled';
    task.finishedAt = Date.now();
    this.store.refund(task);
    this.hooks.changed(task);
    this.admit();
  }

  private enqueue(task: SimTask): void {
    this.change(task, 'queueing');
    this.queue.push(task);
    task.timer = this.timers.after(this.timing.queueMs, () => {
      task.timer = undefined;
      task.ready = true;
      this.admit();
    });
  }

  private admit(): void {
    while (this.running.size < this.concurrencyLimit && this.queue[0]?.ready) {
      const task = this.queue.shift()!;
      this.running.add(task);
      this.change(task, 'processing');
      this.step(task, 1);
    }
  }

  private step(task: SimTask, index: number): void {
    const steps = Math.max(1, this.timing.progressSteps);
    task.timer = this.timers.after(this.timing.processingMs / steps, () => {
      task.timer = undefined;
      if (index < steps) {
        task.progress = Math.floor((100 * index) / steps);
        this.step(task, index + 1);
      } else {
        this.finish(task);
      }
    });
  }

  private finish(task: SimTask): void {
    this.running.delete(task);
    task.finishedAt = Date.now();
    if (task.doomedTo) {
      task.errCode = task.doomedTo;
      this.store.refund(task);
      this.change(task, 'failed');
    } else {
      this.hooks.produce(task);
      task.progress = 100;
      this.change(task, 'success');
    }
    this.admit();
  }

  private change(task: SimTask, state: string): void {
    task.state = state;
    this.hooks.changed(task);
  }
}
