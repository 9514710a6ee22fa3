// Delivers a task's state changes to its callback_url the way Vidu does: a
// signed POST whose body is the task's /creations answer. Final states
// (success, failed, canceled) are retried three times when the receiver does
// not answer 2xx. One task's callbacks go out one after another, in order,
// unless a fault reorders, drops, duplicates or delays them.
import { randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { isFinalState, type TaskCreations } from '../vidu/apiTypes';
import { signCallback } from '../callbacks/signature';
import type { SimulatorCounters } from './counters';
import type { CallbackFaultDecision, FaultPlan } from './faults';
import type { SentCallback } from './options';
import type { TimerSet } from './timers';

const RETRIES_OF_FINAL_STATES = 3;
const ATTEMPT_TIMEOUT_MS = 5_000;

interface PendingCallback {
  url: string;
  body: TaskCreations;
  final: boolean;
  fault: CallbackFaultDecision;
}

export interface CallbackSenderDeps {
  apiKey: string;
  faults: FaultPlan;
  counters: SimulatorCounters['callbacks'];
  timers: TimerSet;
  dispatcher: Dispatcher;
  retryDelayMs: number;
  log: (line: string) => void;
  onSent?: (sent: SentCallback) => void;
}

export class CallbackSender {
  /** Per task, the tail of its delivery chain. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Per task, callbacks held back by the reorder fault until the task finishes. */
  private readonly held = new Map<string, PendingCallback[]>();

  constructor(private readonly deps: CallbackSenderDeps) {}

  notify(taskId: string, url: string, body: TaskCreations): void {
    const pending: PendingCallback = { url, body, final: isFinalState(body.state), fault: this.deps.faults.forCallback(taskId) };
    const held = this.held.get(taskId);
    if (pending.fault.reorder || held) {
      const list = held ?? [];
      list.push(pending);
      this.held.set(taskId, list);
      if (!pending.final) return;
      this.held.delete(taskId);
      for (const item of list.reverse()) this.schedule(taskId, item);
      return;
    }
    this.schedule(taskId, pending);
  }

  /** An extra callback outside the task's own sequence (a lie a fault tells), sent in the task's delivery chain without further faults. */
  sendExtra(taskId: string, url: string, body: TaskCreations): void {
    this.deps.counters.lied += 1;
    this.schedule(taskId, { url, body, final: false, fault: { drop: false, duplicate: false, delayMs: 0, reorder: false } });
  }

  private schedule(taskId: string, pending: PendingCallback): void {
    const { counters, log } = this.deps;
    if (pending.fault.drop) {
      counters.dropped += 1;
      log(`callback ${taskId} ${pending.body.state} dropped by fault`);
      return;
    }
    const copies = pending.fault.duplicate ? 2 : 1;
    const previous = this.chains.get(taskId) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (let copy = 0; copy < copies; copy += 1) await this.deliver(taskId, pending);
    });
    // A dispose (close or reset) rejects the sleeps inside; nothing is left to report then.
    const tail = next.catch(() => undefined);
    this.chains.set(taskId, tail);
    void tail.then(() => {
      if (this.chains.get(taskId) === tail) this.chains.delete(taskId);
    });
  }

  private async deliver(taskId: string, pending: PendingCallback): Promise<void> {
    const { counters, timers, retryDelayMs, log } = this.deps;
    if (pending.fault.delayMs > 0) await timers.sleep(pending.fault.delayMs);
    const attempts = 1 + (pending.final ? RETRIES_OF_FINAL_STATES : 0);
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) {
        await timers.sleep(retryDelayMs);
        counters.retried += 1;
      }
      if (timers.disposed) return;
      counters.sent += 1;
      const outcome = await this.post(taskId, pending);
      log(`callback ${taskId} ${pending.body.state} attempt ${attempt}/${attempts}: ${outcome}`);
      if (outcome === 'delivered') {
        counters.delivered += 1;
        return;
      }
    }
    if (!timers.disposed) counters.failed += 1;
  }

  private async post(taskId: string, pending: PendingCallback): Promise<string> {
    const { apiKey, timers, dispatcher, onSent } = this.deps;
    const nonce = randomUUID();
    const headers = signCallback({ apiKey, callbackUrl: pending.url, nonce, date: new Date() });
    onSent?.({ taskId, state: pending.body.state, nonce, sentAt: Date.now() });
    try {
      const response = await request(pending.url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'vidu-simulator' },
        body: JSON.stringify(pending.body),
        dispatcher,
        signal: AbortSignal.any([timers.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300 ? 'delivered' : `HTTP ${response.statusCode}`;
    } catch (error) {
      return `failed (${error instanceof Error ? error.message : String(error)})`;
    }
  }
}
