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
import type { ActivityGroup } from './activityGroups';
import type { CreateActivities, CreateAdTaskInput, CreateEvidence, ReadActivities } from './activityContract';
import type { AdState } from './state';
import { FAILURE_TYPES } from '../shared/failures';
import { failureCause, retryThroughOutages } from '../shared/outageRetry';
import { shortDuration, shortTaskId } from '../shared/shortText';

export interface CreationContext {
  state: AdState;
  request: Omit<CreateAdTaskInput, 'attemptMarker'>;
  creates: ActivityGroup<CreateActivities>;
  reads: ActivityGroup<ReadActivities>;
  outageBudgetMs: number;
  adoptWindowMs: number;
  setWaiting(message: string | undefined): void;
}

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

export async function createMainTask(ctx: CreationContext): Promise<void> {
  const { state } = ctx;
  for (;;) {
    if (state.pendingCreate) return adoptFromCallback(ctx);
    const marker = uuid4();
    try {
      const created = await retryThroughOutages(() => ctx.creates('create the ad at Vidu').createAdTask({ ...ctx.request, attemptMarker: marker }), {
        what: 'creating the ad at Vidu',
        budgetMs: ctx.outageBudgetMs,
        idempotent: false,
        onWaiting: ctx.setWaiting,
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

async function adoptFromCallback(ctx: CreationContext): Promise<void> {
  const { state } = ctx;
  const pending = state.pendingCreate!;
  const until = pending.since + ctx.adoptWindowMs;
  ctx.setWaiting(`the create request's outcome is unclear: waiting until ${new Date(until).toISOString()} for Vidu's callback for attempt ${pending.marker}`);
  for (;;) {
    const remaining = until - Date.now();
    const heard = remaining > 0 && (await condition(() => pending.candidateTaskIds.length > 0, remaining, { summary: `await create callback, ${shortDuration(remaining)} left` }));
    if (!heard) throw outcomeUnknown(pending.marker, `no callback for attempt ${pending.marker} within ${ctx.adoptWindowMs} ms`);
    const taskId = pending.candidateTaskIds.shift()!;
    try {
      // Callback bodies are not signed: the query API must know the task before it is adopted.
      const snapshot = await retryThroughOutages(() => ctx.reads(`confirm main task ${shortTaskId(taskId)}`).getTaskState(taskId), {
        what: `confirming Vidu task ${taskId}`,
        budgetMs: ctx.outageBudgetMs,
        idempotent: true,
        onWaiting: ctx.setWaiting,
      });
      log.info(`ad ${state.adId}: adopting Vidu task ${taskId}, made by create attempt ${pending.marker}`);
      state.mainTaskId = taskId;
      state.taskCredits[taskId] = snapshot.credits;
      state.pendingCreate = undefined;
      state.earlyCreateCallbacks = [];
      ctx.setWaiting(undefined);
      return;
    } catch (err) {
      if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
      log.warn(`ad ${state.adId}: callback for attempt ${pending.marker} named task ${taskId}, which Vidu does not confirm: ${failureCause(err).message}`);
    }
  }
}
