// The compose: the final video from the selected takes, when the selection
// differs from Vidu's first video. Its credit (reserved with the create) is
// settled from Vidu's final report. A run that continues as new resumes a
// compose an earlier run started (its task id and marker are in the state).
import { budgetFailure, provenUnspent, RESERVATION } from './budget';
import { taskFailure } from './failures';
import { estimateCredits } from '../shared/prices';
import type { AdSelection } from './contract';
import { retryThroughOutages } from '../shared/outageRetry';
import { sameSelection } from './selection';
import type { AdRun } from './run';

/** Composes when the selection changed; returns the compose task's id, or undefined when the first video stands. */
export async function composeIfChanged(run: AdRun, selection: AdSelection): Promise<string | undefined> {
  const { state, budget } = run;
  if (!state.composeTaskId && sameSelection(selection, state.firstSelection!)) {
    budget.refund(RESERVATION.compose);
    return undefined;
  }
  run.setStage('composing');
  if (!state.composeTaskId) {
    // Held since the create; an ad resumed from an earlier workflow's task reserves it now.
    const refusal = budget.reserve(RESERVATION.compose, estimateCredits({ kind: 'compose' }), 'compose');
    if (refusal) throw budgetFailure(refusal);
    state.composeMarker ??= `compose-${state.adId}-${state.seq}-${run.runNumber}`;
    const request = { mainTaskId: state.mainTaskId!, selection, storyboardCount: state.storyboards.length, marker: state.composeMarker, knownComposeIds: state.composedIds };
    const what = { what: 'starting the compose', budgetMs: run.limits.outageBudgetMs, idempotent: false, onWaiting: (message: string | undefined) => run.setWaiting(message) };
    try {
      const started = await retryThroughOutages(() => run.acts.spends(`compose ${request.storyboardCount} storyboards`).startCompose(request), what);
      state.composeTaskId = started.subTaskId;
      state.taskCredits[started.subTaskId] = started.credits;
    } catch (err) {
      if (provenUnspent(err)) budget.refund(RESERVATION.compose);
      throw err;
    }
  }
  if (!state.composeSucceeded) {
    const final = await run.awaitTask(state.composeTaskId, 'compose', (p) => (state.progress = p));
    budget.settleFinal(RESERVATION.compose, final);
    if (final.state !== 'success') throw taskFailure('compose', final);
    state.composeSucceeded = true;
  }
  return state.composeTaskId;
}
