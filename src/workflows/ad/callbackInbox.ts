// Where Vidu's callbacks enter the workflow. The receiver verified each one;
// here the signal is checked by the same rules the receiver applied
// (src/callbacks/viduCallback.ts: anyone with access to Temporal can send
// one), a nonce seen before is dropped (so a replay through any receiver copy
// changes nothing), a callback carrying the marker of a create whose outcome
// is unclear names a candidate task to adopt, and the rest goes to the waiter.
import { log, patched } from '@temporalio/workflow';
import { checkCallbackSignal, type ViduCallbackSignal } from '../../callbacks/viduCallback';
import { MAX_NONCES_KEPT, type AdState } from './state';
import type { ViduTaskWaiter } from './taskWaiter';

const MAX_EARLY_CREATE_CALLBACKS = 8;

/**
 * Runs recorded before it read signals by the receiver's rules, and the legacy
 * shape below, which such runs may hold in their history. New runs take the
 * rules only (a legacy-shaped signal is refused: polling covers its task).
 */
export const CALLBACK_RULES_PATCH = 'callback-rules';

/** Signals sent before the receiver forwarded compact callbacks carried the whole body. */
interface LegacyCallbackSignal {
  body?: { id?: unknown; task_id?: unknown; state?: unknown; progress?: unknown; err_code?: unknown };
  nonce?: unknown;
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

/** The old reading: the callback in its compact form, or undefined when it names no task. */
export function normaliseLegacyCallback(raw: unknown): ViduCallbackSignal | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const compact = raw as Partial<ViduCallbackSignal> & LegacyCallbackSignal;
  const body = typeof compact.body === 'object' && compact.body !== null ? compact.body : undefined;
  const taskId = text(compact.taskId, 64) ?? text(body?.id, 64) ?? text(body?.task_id, 64);
  const nonce = text(compact.nonce, 200);
  if (!taskId || !nonce) return undefined;
  const progress = compact.progress ?? body?.progress;
  return {
    taskId,
    nonce,
    state: text(compact.state ?? body?.state, 32),
    progress: typeof progress === 'number' ? progress : undefined,
    errCode: text(compact.errCode ?? body?.err_code, 128),
    createAttempt: text(compact.createAttempt, 64),
  };
}

export class CallbackInbox {
  constructor(
    private readonly state: AdState,
    private readonly waiter: ViduTaskWaiter,
  ) {}

  receive(raw: unknown): void {
    const signal = patched(CALLBACK_RULES_PATCH) ? this.checked(raw) : normaliseLegacyCallback(raw);
    if (!signal) return;
    const nonces = this.state.recentNonces;
    if (nonces.includes(signal.nonce)) return;
    nonces.push(signal.nonce);
    if (nonces.length > MAX_NONCES_KEPT) nonces.splice(0, nonces.length - MAX_NONCES_KEPT);
    if (signal.createAttempt && this.state.mainTaskId === undefined) this.noteCreateCallback(signal.createAttempt, signal.taskId);
    this.waiter.onCallback(signal, Date.now());
  }

  private checked(raw: unknown): ViduCallbackSignal | undefined {
    const result = checkCallbackSignal(raw);
    if (result.ok) return result.signal;
    log.warn(`ad ${this.state.adId}: viduCallback signal refused: ${result.detail}`);
    return undefined;
  }

  private noteCreateCallback(marker: string, taskId: string): void {
    const pending = this.state.pendingCreate;
    if (pending?.marker === marker) {
      if (!pending.candidateTaskIds.includes(taskId)) pending.candidateTaskIds.push(taskId);
      return;
    }
    // The create's answer may still be on its way: remember a few, for the attempt that turns out unclear.
    const early = this.state.earlyCreateCallbacks;
    if (early.some((c) => c.marker === marker && c.taskId === taskId)) return;
    early.push({ marker, taskId });
    if (early.length > MAX_EARLY_CREATE_CALLBACKS) early.shift();
  }
}
