// What retrying a closed ad means, decided from what its last run left in
// Temporal: resume from the Vidu task it already paid for, or create again.
// Pure functions over the run's facts (src/starter/lastRun.ts), so every rule
// here is tested without a server.
import { FAILURE_TYPES } from '../workflows/shared/failures';
import type { AdFilmInput } from '../workflows/ad/contract';
import { AdRetryRefusedError } from './errors';
import type { LastRunDescription, RunFailure, RunHistoryFacts } from './lastRun';

/** The statuses after which Temporal lets a new run start under the same id with ALLOW_DUPLICATE_FAILED_ONLY. */
export const RETRYABLE_STATUSES: readonly string[] = ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'];

/** Stages an ad reaches only once its main Vidu task has succeeded. */
const AFTER_MAIN_TASK: readonly string[] = ['reading', 'editing', 'review', 'composing', 'saving', 'done'];

/** Stages an ad reaches only once the edits of its input were sent (each paid for): they come right after reading. */
const AFTER_INPUT_EDITS: readonly string[] = ['editing', 'review', 'composing', 'saving', 'done'];

export interface RetryPlan {
  /** 'resumed': the new run starts from the existing Vidu task, no create. 'retried': a fresh run that creates a new task. */
  action: 'resumed' | 'retried';
  /** The new run's input. */
  input: AdFilmInput;
  /** The Vidu task the new run resumes from (resumed only). */
  resumeFromTaskId?: string;
  /** Edits of the input left out of a resumed run because an earlier run already sent them. */
  droppedEdits: number;
}

export interface RetryPlanOptions {
  /** Create again even though the last create's outcome is unknown (a task may exist and be billed). */
  acknowledgeUnknownCreate?: boolean;
}

/** Why a run in this state may not be retried; undefined when it may. */
export function statusRefusal(adId: string, run: Pick<LastRunDescription, 'status' | 'stage'>): AdRetryRefusedError | undefined {
  if (RETRYABLE_STATUSES.includes(run.status)) return undefined;
  if (run.status === 'COMPLETED') {
    return new AdRetryRefusedError(adId, 'done', 'the ad is done (it completed successfully): there is nothing to retry; use a new ad id for a new ad');
  }
  const stage = run.stage ? `, stage ${run.stage}` : '';
  return new AdRetryRefusedError(adId, 'running', `the ad is still running (${run.status}${stage}): only a failed, cancelled, terminated or timed-out ad can be retried`);
}

/** The main task id a continued run carries in its state (read loosely: the state is the workflow's own business). */
function continuedMainTaskId(input: AdFilmInput): string | undefined {
  const carried = (input.continued as { state?: { mainTaskId?: unknown } } | undefined)?.state?.mainTaskId;
  return typeof carried === 'string' ? carried : undefined;
}

function failedTaskId(failure: RunFailure | undefined): string | undefined {
  const detail = failure?.details[0] as { taskId?: unknown } | undefined;
  return typeof detail?.taskId === 'string' ? detail.taskId : undefined;
}

/**
 * The ad's main Vidu task if it is known to have succeeded: the run got past
 * `generating` (or was a continued review, or itself resumed from a finished
 * task), and it did not end because that very task failed.
 */
export function succeededMainTask(facts: RunHistoryFacts): { succeeded: boolean; taskId?: string } {
  const { input, failure } = facts;
  const taskId = continuedMainTaskId(input) ?? facts.viduTaskId ?? input.resumeFromTaskId;
  const evidence = input.resumeFromTaskId !== undefined || input.continued !== undefined || facts.stagesReached.some((s) => AFTER_MAIN_TASK.includes(s));
  const mainTaskFailed = failure?.type === FAILURE_TYPES.taskFailed && taskId !== undefined && failedTaskId(failure) === taskId;
  return { succeeded: evidence && !mainTaskFailed, taskId };
}

/** The attempt marker a ViduCreateOutcomeUnknown failure names (details[0].attemptMarker), if any. */
export function createAttemptMarker(failure: RunFailure | undefined): string | undefined {
  const detail = failure?.details[0] as { attemptMarker?: unknown } | undefined;
  return typeof detail?.attemptMarker === 'string' ? detail.attemptMarker : undefined;
}

function withoutRunState(input: AdFilmInput): AdFilmInput {
  // `continued` belongs to the run that continued as new; a new run starts from the caller's input.
  const { continued: _continued, resumeFromTaskId: _resume, ...rest } = input;
  return rest;
}

/** Decides how to start the ad again. Throws AdRetryRefusedError when it must not be. */
export function planRetry(adId: string, facts: RunHistoryFacts, options: RetryPlanOptions = {}): RetryPlan {
  const base = withoutRunState(facts.input);
  const main = succeededMainTask(facts);
  if (main.succeeded) {
    if (main.taskId === undefined) {
      throw new AdRetryRefusedError(adId, 'task-id-unknown', 'its Vidu task succeeded but the run never named it (no ViduTaskId search attribute): look it up at Vidu rather than paying for a new one');
    }
    // Edits in the input were sent by an earlier run: sending them again would pay for them twice.
    const editsSent = facts.input.continued !== undefined || facts.stagesReached.some((s) => AFTER_INPUT_EDITS.includes(s));
    const input: AdFilmInput = { ...base, resumeFromTaskId: main.taskId };
    if (editsSent) delete input.edits;
    const droppedEdits = editsSent ? (base.edits?.length ?? 0) : 0;
    return { action: 'resumed', input, resumeFromTaskId: main.taskId, droppedEdits };
  }
  if (facts.failure?.type === FAILURE_TYPES.createOutcomeUnknown && options.acknowledgeUnknownCreate !== true) {
    const marker = createAttemptMarker(facts.failure);
    throw new AdRetryRefusedError(
      adId,
      'unknown-create-unacknowledged',
      `its last create ended with ${FAILURE_TYPES.createOutcomeUnknown}: the request may have reached Vidu, so a task may exist and be billed` +
        (marker ? ` (the create attempt's marker is ${marker}, sent in its callback URL's createAttempt parameter)` : '') +
        '. Check at Vidu first; to create a new task anyway, retry with acknowledgeUnknownCreate (admin tool: --acknowledge-unknown-create)',
    );
  }
  return { action: 'retried', input: base, droppedEdits: 0 };
}
