// Heartbeats for activities that wait: they let Temporal notice a dead worker
// within the heartbeat timeout, and carry cancellation to the activity.
import { Context } from '@temporalio/activity';

const INTERVAL_MS = 5_000;

/**
 * Heartbeats every few seconds while `work` runs (one HTTP call can take
 * longer than the heartbeat timeout). `details` ride along with each beat, so
 * the workflow reads them if the worker dies (TimeoutFailure.lastHeartbeatDetails).
 */
export async function whileHeartbeating<T>(work: Promise<T>, details?: unknown): Promise<T> {
  const context = Context.current();
  context.heartbeat(details);
  const timer = setInterval(() => context.heartbeat(details), INTERVAL_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Passes a body through, heartbeating as bytes arrive. */
export async function* heartbeatingBody<T>(body: AsyncIterable<T>): AsyncGenerator<T> {
  const context = Context.current();
  for await (const chunk of body) {
    context.heartbeat();
    yield chunk;
  }
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** Total tries, the first included. */
  tries: number;
}

/** A few quick tries inside the activity; longer refusals are waited out by the workflow, visibly. */
export const DEFAULT_REJECTION_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 4_000, tries: 3 };

/**
 * Runs `send` and repeats it, with exponential backoff and heartbeats, only
 * while `isDefinitiveRejection` says the failure proves nothing happened.
 * Any other failure, or the last try's, is thrown as it is.
 */
export async function retryDefinitiveRejections<T>(
  send: () => Promise<T>,
  isDefinitiveRejection: (err: unknown) => boolean,
  backoff: Backoff,
  heartbeatDetails?: unknown,
): Promise<T> {
  const context = Context.current();
  let delay = backoff.initialMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await whileHeartbeating(send(), heartbeatDetails);
    } catch (err) {
      if (attempt >= backoff.tries || !isDefinitiveRejection(err)) throw err;
      context.log.info(`Vidu rejected the request for now, retrying in ${delay} ms`, { error: err instanceof Error ? err.message : String(err) });
      context.heartbeat(heartbeatDetails);
      await context.sleep(delay);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
}

/** True when the activity was cancelled because its worker is shutting down (not because anyone cancelled the ad). */
export function isWorkerShutdown(context: Context): boolean {
  if (!context.cancellationSignal.aborted) return false;
  if (context.cancellationDetails?.workerShutdown) return true;
  const reason: unknown = context.cancellationSignal.reason;
  return reason instanceof Error && reason.message === 'WORKER_SHUTDOWN';
}
