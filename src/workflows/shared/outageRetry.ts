// Riding out outages after credits are spent. An idempotent step (a read, a
// download, a cancel) that still fails after its quick activity retries is
// not a reason to lose a paid ad: the workflow waits with a growing backoff
// (a durable timer, visible in the status) and tries again, for as long as
// the ad's outage budget allows. The same wait serves creates, edits and
// composes that Vidu refused for now (429, QuotaExceeded, OperationInProcess):
// such a refusal proves nothing was created, so trying again is safe.
import { ActivityFailure, ApplicationFailure, isCancellation, log, sleep, TimeoutFailure } from '@temporalio/workflow';
import { FAILURE_TYPES } from './failures';
import { shortDuration } from './shortText';

export interface OutageRetryOptions {
  /** What is being tried, for the status: "reading the storyboards". */
  what: string;
  budgetMs: number;
  /** Retry unclear failures too (idempotent steps); false: only refusals that prove nothing happened. */
  idempotent: boolean;
  /** Shows what the ad waits for; called with undefined once it no longer waits. */
  onWaiting(message: string | undefined): void;
}

const FIRST_PAUSE_MS = 5_000;
const LONGEST_PAUSE_MS = 5 * 60_000;

/** The failure's own type and message, from an activity failure or a plain one. */
export function failureCause(err: unknown): { type?: string; message: string; nonRetryable: boolean; timeout: boolean } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? undefined, message: cause.message, nonRetryable: cause.nonRetryable === true, timeout: false };
  if (cause instanceof TimeoutFailure) return { message: cause.message, nonRetryable: false, timeout: true };
  return { message: cause instanceof Error ? cause.message : String(cause), nonRetryable: true, timeout: false };
}

/** True when Vidu refused for now and nothing was created (or the worker gave up before sending). */
export function isRefusedForNow(err: unknown): boolean {
  const { type } = failureCause(err);
  return type === FAILURE_TYPES.rateLimited || type === FAILURE_TYPES.retryLater;
}

function worthRetrying(err: unknown, idempotent: boolean): boolean {
  if (!(err instanceof ActivityFailure) || isCancellation(err)) return false;
  if (isRefusedForNow(err)) return true;
  const cause = failureCause(err);
  return idempotent && (cause.timeout || !cause.nonRetryable);
}

function minutesAndSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
}

export async function retryThroughOutages<T>(call: () => Promise<T>, options: OutageRetryOptions): Promise<T> {
  let failingSince: number | undefined;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      const result = await call();
      if (failingSince !== undefined) options.onWaiting(undefined);
      return result;
    } catch (err) {
      if (!worthRetrying(err, options.idempotent)) throw err;
      failingSince ??= Date.now();
      const elapsed = Date.now() - failingSince;
      const cause = failureCause(err);
      const why = `${cause.type ?? (cause.timeout ? 'timeout' : 'error')}: ${cause.message}`;
      if (elapsed >= options.budgetMs) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.outageBudgetExhausted,
          message: `${options.what}: Vidu kept failing for ${minutesAndSeconds(elapsed)}, past the outage budget of ${minutesAndSeconds(options.budgetMs)} (${why})`,
          nonRetryable: true,
        });
      }
      const wait = Math.min(pause, options.budgetMs - elapsed);
      const refused = isRefusedForNow(err);
      const message = refused
        ? `${options.what}: Vidu refused for now (${why}) for ${minutesAndSeconds(elapsed)}, retrying in ${minutesAndSeconds(wait)}`
        : `${options.what}: Vidu unreachable for ${minutesAndSeconds(elapsed)} (${why}), retrying in ${minutesAndSeconds(wait)}`;
      log.warn(message);
      options.onWaiting(message);
      await sleep(wait, { summary: `${refused ? 'rate-limit' : 'outage'} retry in ${shortDuration(wait)}: ${options.what}` });
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }
}
