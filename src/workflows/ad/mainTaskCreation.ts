// Creating the ad's main Vidu task, the step that spends the most credits and
// cannot be looked up afterwards (Vidu finds no task by anything the request
// carries). Each attempt gets a marker that travels in the callback URL's
// signed query. A refusal that proves nothing was created (429, quota, a
// worker that gave up before sending) is waited out and tried again. An
// unclear outcome (reset after sending, 5xx, a killed worker) with callbacks
// on waits for Vidu's callback carrying the attempt's marker, confirms the
// task it names with the query API and adopts it: one create, one charge.
// Without callbacks, or when no such callback comes in time, the ad fails
// with ViduCreateOutcomeUnknown and the marker, so an operator can find it.
// An attempt that timed out is unclear only if it recorded its evidence (a
// heartbeat Temporal confirmed before the request left): without it the
// request never left (the task was lost on its way to a stopping worker, or
// the worker died first), and the create is simply tried again.
import { ActivityFailure, ApplicationFailure, condition, isCancellation, log, patched, TimeoutFailure, uuid4 } from '@temporalio/workflow';
import type { CreateAdTaskInput, CreateEvidence } from './activityContract';
import { FAILURE_TYPES } from '../shared/failures';
import { failureCause, retryThroughOutages } from '../shared/outageRetry';
import { shortDuration, shortTaskId } from '../shared/shortText';
import type { AdRun } from './run';

/** The patch that brought the evidence rule; histories recorded before it keep the old reading of a timeout. */
export const CREATE_EVIDENCE_PATCH = 'create-evidence';

/**
 * Whether callbacks were on for the attempt, when its outcome is unclear;
 * 'never-sent' when it timed out without its evidence; undefined when it is not unclear.
 */
function unclearOutcome(err: unknown): { callbacks: boolean } | 'never-sent' | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type === FAILURE_TYPES.createOutcomeUnknown) {
    return { callbacks: (cause.details?.[0] as { callbacks?: boolean } | undefined)?.callbacks === true };
  }
  // The worker died, hung or never got the task: its evidence heartbeat, if any, says whether callbacks were on.
  if (cause instanceof TimeoutFailure) {
    // No details at all: no evidence. Details without the marker come from a worker older than the rule: may have left.
    const beat = cause.lastHeartbeatDetails as Partial<CreateEvidence> | null | undefined;
    if (beat == null && patched(CREATE_EVIDENCE_PATCH)) return 'never-sent';
    return { callbacks: beat?.callbacks === true };
  }
  return undefined;
}

function outcomeUnknown(marker: string, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.createOutcomeUnknown,
    message: `the create request may have reached Vidu (${why}): a task may exist and be billed; look for attempt ${marker} before starting this ad again`,
    details: [{ attemptMarker: marker }],
    nonRetryable: true,
  });
}

/** What the create sends, from the ad's input. */
function createRequestOf(input: AdRun['input']): Omit<CreateAdTaskInput, 'attemptMarker'> {
  const { adId, images, prompt, duration, aspectRatio, language } = input;
  return { adId, images, prompt, duration, aspectRatio, language };
}

export async function createMainTask(run: AdRun): Promise<void> {
  const { state } = run;
  for (;;) {
    if (state.pendingCreate) return adoptFromCallback(run);
    const marker = uuid4();
    try {
      const created = await retryThroughOutages(() => run.acts.creates('create the ad at Vidu').createAdTask({ ...createRequestOf(run.input), attemptMarker: marker }), {
        what: 'creating the ad at Vidu',
        budgetMs: run.limits.outageBudgetMs,
        idempotent: false,
        onWaiting: (message: string | undefined) => run.setWaiting(message),
      });
      state.mainTaskId = created.taskId;
      state.taskCredits[created.taskId] = created.credits;
      state.earlyCreateCallbacks = [];
      return;
    } catch (err) {
      const unclear = unclearOutcome(err);
      if (!unclear) throw err;
      if (unclear === 'never-sent') {
        log.warn(`ad ${state.adId}: create attempt ${marker} timed out before its request left (${failureCause(err).message}); trying again`);
        continue;
      }
      if (!unclear.callbacks) throw outcomeUnknown(marker, failureCause(err).message);
      log.warn(`ad ${state.adId}: create attempt ${marker} has an unclear outcome; waiting for its callback`);
      const heard = state.earlyCreateCallbacks.filter((c) => c.marker === marker).map((c) => c.taskId);
      state.pendingCreate = { marker, since: Date.now(), candidateTaskIds: heard };
    }
  }
}

async function adoptFromCallback(run: AdRun): Promise<void> {
  const { state } = run;
  const pending = state.pendingCreate!;
  const until = pending.since + run.limits.adoptWindowMs;
  run.setWaiting(`the create request's outcome is unclear: waiting until ${new Date(until).toISOString()} for Vidu's callback for attempt ${pending.marker}`);
  for (;;) {
    const remaining = until - Date.now();
    const heard = remaining > 0 && (await condition(() => pending.candidateTaskIds.length > 0, remaining, { summary: `await create callback, ${shortDuration(remaining)} left` }));
    if (!heard) throw outcomeUnknown(pending.marker, `no callback for attempt ${pending.marker} within ${run.limits.adoptWindowMs} ms`);
    const taskId = pending.candidateTaskIds.shift()!;
    try {
      // Callback bodies are not signed: the query API must know the task before it is adopted.
      const snapshot = await retryThroughOutages(() => run.acts.reads(`confirm main task ${shortTaskId(taskId)}`).getTaskState(taskId), {
        what: `confirming Vidu task ${taskId}`,
        budgetMs: run.limits.outageBudgetMs,
        idempotent: true,
        onWaiting: (message: string | undefined) => run.setWaiting(message),
      });
      log.info(`ad ${state.adId}: adopting Vidu task ${taskId}, made by create attempt ${pending.marker}`);
      state.mainTaskId = taskId;
      state.taskCredits[taskId] = snapshot.credits;
      state.pendingCreate = undefined;
      state.earlyCreateCallbacks = [];
      run.setWaiting(undefined);
      return;
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      log.warn(`ad ${state.adId}: callback for attempt ${pending.marker} named task ${taskId}, which Vidu does not confirm: ${failureCause(err).message}`);
    }
  }
}
