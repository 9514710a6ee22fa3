// The create's evidence rule: before the request leaves the worker, the
// activity records a heartbeat saying so and waits until Temporal has it.
// A create attempt that ends in a timeout can then be told apart by the
// workflow: with the evidence its request may have reached Vidu (the credits
// policy for unclear outcomes applies); without it the request never left,
// for instance because Temporal handed the task to the poll of a worker that
// was stopping, or the worker died before it sent, so trying again is safe.
//
// The SDK's own heartbeats are throttled and sent in the background with no
// answer, so they cannot be waited for: the evidence goes through Temporal's
// heartbeat call directly (`RecordActivityTaskHeartbeat` by task token), and
// so does every heartbeat the attempt makes before it, each awaited, so that
// no older beat can land after the evidence and overwrite it.
import { ActivityCancelledError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { FAILURE_TYPES } from '../workflows/shared/failures';

/** Records an activity heartbeat and resolves once Temporal has stored it (rejects if it could not). */
export type HeartbeatRecorder = (taskToken: Uint8Array, details: unknown) => Promise<void>;

/** How long to wait for Temporal to confirm a heartbeat before giving up without sending. */
export const HEARTBEAT_CONFIRM_TIMEOUT_MS = 10_000;

function nothingSent(why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.retryLater,
    message: `the create was not sent: ${why}`,
    nonRetryable: false,
  });
}

/**
 * Records `details` (the evidence, or nothing while the attempt waits) as the
 * activity's heartbeat and waits for Temporal to confirm it. Throws, nothing
 * having been sent, when it cannot: CancelledFailure (the ad was cancelled) or
 * ViduRetryLater (Temporal did not answer), which the workflow waits out.
 */
export async function recordConfirmedHeartbeat(record: HeartbeatRecorder, details: unknown, timeoutMs = HEARTBEAT_CONFIRM_TIMEOUT_MS): Promise<void> {
  const context = Context.current();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(nothingSent(`Temporal did not confirm the attempt's heartbeat within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([record(context.info.taskToken, details), timedOut]);
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    if (err instanceof ActivityCancelledError) throw new CancelledFailure('the ad was cancelled before the create was sent');
    throw nothingSent(`recording the attempt's heartbeat failed (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    clearTimeout(timer);
  }
}
