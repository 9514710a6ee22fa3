// Failure types the ad workflow and its activities end with. Clients match on
// these (`err.cause.type`) rather than on messages.
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';

export const FAILURE_TYPES = {
  /** The ad was cancelled by the `cancelAd` signal (Temporal cancellation ends the run as Canceled instead). */
  adCancelled: 'AdCancelled',
  /** A Vidu task ended `failed` or `canceled`. */
  taskFailed: 'ViduTaskFailed',
  /** A Vidu task did not finish within `taskDeadlineMs` of starting to process. */
  taskDeadline: 'ViduTaskDeadlineExceeded',
  /** A Vidu task waited in Vidu's queue longer than `queueDeadlineMs`. */
  queueDeadline: 'ViduQueueDeadlineExceeded',
  /** Vidu stayed unreachable (or kept rate-limiting) for longer than `outageBudgetMs`. */
  outageBudgetExhausted: 'ViduOutageBudgetExhausted',
  /** Vidu refused a request for now (429, QuotaExceeded, OperationInProcess): nothing was created; the workflow waits and tries again. */
  rateLimited: 'ViduRateLimited',
  /** The create request may or may not have reached Vidu: a task may exist and be billed. Check before starting again. */
  createOutcomeUnknown: 'ViduCreateOutcomeUnknown',
  /** The review window closed and the input said `onTimeout: 'fail'`. */
  reviewTimedOut: 'ReviewTimedOut',
  /** An edit request broke a rule (stage, storyboard index, prompt, limit). */
  editRejected: 'EditRejected',
  /** A select, approve or cancel request broke a rule. */
  requestRejected: 'RequestRejected',
  /** The workflow input broke a rule. */
  invalidInput: 'InvalidAdInput',
  /** The request broke one of Vidu's documented rules; nothing was sent. */
  viduValidation: 'ViduValidationError',
  /** Nothing was sent (the worker shut down while the activity waited): safe to try again. */
  retryLater: 'ViduRetryLater',
  /** An edit or compose whose outcome is unclear; the next attempt looks for its record before sending again. */
  outcomeUnknown: 'ViduOutcomeUnknown',
  /** A create, edit or compose would have gone past the ad's credit budget (`maxCredits`): nothing was sent. */
  budgetExceeded: 'CreditBudgetExceeded',
  /** The Vidu account had fewer credits left than creating the ad needs, and ACCOUNT_CREDITS_SHORTFALL=fail. */
  accountCreditsShort: 'AccountCreditsShort',
} as const;

/**
 * True when an ad ended because someone cancelled it: by the `cancelAd` signal
 * (ApplicationFailure `AdCancelled`) or by Temporal cancellation (CancelledFailure).
 * Pass the error from `handle.result()` or its `cause`.
 */
export function isAdCancelledError(err: unknown): boolean {
  const failure = err instanceof Error && !(err instanceof ApplicationFailure) && !(err instanceof CancelledFailure) ? err.cause : err;
  if (failure instanceof CancelledFailure) return true;
  return failure instanceof ApplicationFailure && failure.type === FAILURE_TYPES.adCancelled;
}
