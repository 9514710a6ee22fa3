// The operator's turn: the review window, and what happens when it closes
// without an approval. Edits, selections and the approval arrive through the
// workflow's handlers; this only waits for the approval or the deadline. The
// deadline lives in the state, so a run that continues as new keeps it.
import { ApplicationFailure, condition, log } from '@temporalio/workflow';
import type { AdState } from './state';
import { FAILURE_TYPES } from '../shared/failures';
import type { AdFilmInput } from './contract';
import { shortDuration } from '../shared/shortText';

export async function awaitReview(state: AdState, windowMs: number): Promise<'approved' | 'timed-out'> {
  state.reviewDeadline ??= Date.now() + windowMs;
  const remaining = state.reviewDeadline - Date.now();
  const approved = state.approved || (remaining > 0 && (await condition(() => state.approved, remaining, { summary: `review window ${shortDuration(remaining)}` })));
  return approved ? 'approved' : 'timed-out';
}

/**
 * After a review that timed out, what the input says: go on with the current
 * selection, finish with Vidu's first video (running edits are cancelled), or fail.
 * Returns true when the ad finishes with the first video.
 */
export async function afterReviewTimeout(state: AdState, review: NonNullable<AdFilmInput['review']>, cancelRunningEdits: () => Promise<void>): Promise<boolean> {
  log.info(`ad ${state.adId}: review window closed without approval (${review.onTimeout})`);
  if (review.onTimeout === 'compose-selected') return false;
  await cancelRunningEdits();
  if (review.onTimeout === 'fail') {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.reviewTimedOut,
      message: `ad ${state.adId} was not approved within the review window of ${review.windowMs} ms`,
      nonRetryable: true,
    });
  }
  return true;
}
