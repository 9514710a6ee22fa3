// How Vidu client errors become activity failures. The rule that protects
// credits: a request that spends credits is repeated only when its failure
// proves nothing happened on Vidu's side ("definitive rejection"); an unclear
// outcome is never blindly repeated (see createAdTask.ts and subTasks.ts).
import { ApplicationFailure } from '@temporalio/common';
import { ViduAbortError, ViduApiError, ViduNetworkError, ViduResponseError, ViduValidationError, isViduError } from '../vidu/errors';
import { FAILURE_TYPES } from '../workflows/shared/failures';

/**
 * True when the failure proves the request had no effect and a retry may cure
 * it: a rate limit (429), OperationInProcess, or a request that never left.
 * A 5xx proves nothing: the server may have created (and billed) the task
 * before it failed, so it counts as an unclear outcome below.
 */
export function isDefinitiveRejection(err: unknown): boolean {
  if (err instanceof ViduApiError) return err.status === 429 || err.code === 'OperationInProcess';
  return err instanceof ViduNetworkError && err.outcome === 'not-sent';
}

/** True when a credit-spending request may have taken effect although the caller saw a failure. */
export function isUnclearOutcome(err: unknown): boolean {
  if (err instanceof ViduNetworkError) return err.outcome === 'unknown';
  if (err instanceof ViduApiError) return err.status >= 500;
  return err instanceof ViduResponseError;
}

function failureType(err: unknown): string {
  if (err instanceof ViduApiError) return err.code;
  if (err instanceof ViduValidationError) return FAILURE_TYPES.viduValidation;
  if (err instanceof ViduNetworkError) return 'ViduNetworkError';
  if (err instanceof ViduResponseError) return 'ViduResponseError';
  return 'ViduError';
}

function failureDetails(err: unknown): Record<string, unknown> {
  if (err instanceof ViduApiError) return { status: err.status, code: err.code, traceId: err.traceId, endpoint: err.endpoint };
  if (err instanceof ViduValidationError) return { issues: err.issues };
  if (err instanceof ViduNetworkError) return { outcome: err.outcome, code: err.code, endpoint: err.endpoint };
  if (err instanceof ViduResponseError) return { status: err.status, endpoint: err.endpoint, issues: err.issues };
  return {};
}

/**
 * For reads, cancels and downloads (harmless to repeat): retryable exactly when the client says so.
 * An abort (the activity was cancelled) passes through so the SDK reports a cancellation.
 */
export function readFailure(err: unknown): unknown {
  if (err instanceof ViduAbortError || !isViduError(err)) return err;
  return ApplicationFailure.create({ type: failureType(err), message: err.message, details: [failureDetails(err)], nonRetryable: !err.retryable });
}

/**
 * A refusal that outlasted the activity's quick tries. On a first attempt
 * the workflow waits it out (visibly) and calls again; on a later attempt an
 * earlier one may have had an unclear outcome, so Temporal retries it and the
 * retry looks for the record before it sends.
 */
function rateLimited(err: Error, firstAttempt: boolean): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE_TYPES.rateLimited, message: err.message, details: [failureDetails(err)], nonRetryable: firstAttempt });
}

/**
 * For edit and compose, after the in-attempt retries of definitive rejections:
 * a refusal for now goes back to the workflow (see rateLimited), an unclear
 * outcome is retryable (the next attempt looks for the record before sending
 * again); everything else is final.
 */
export function subTaskFailure(err: unknown, what: 'edit' | 'compose', attempt: number): unknown {
  if (err instanceof ViduAbortError || !isViduError(err)) return err;
  if (isDefinitiveRejection(err)) return rateLimited(err, attempt === 1);
  if (isUnclearOutcome(err)) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.outcomeUnknown,
      message: `the ${what} request may have reached Vidu (${err.message}); the next attempt looks for its record before sending again`,
      details: [failureDetails(err)],
      nonRetryable: false,
    });
  }
  return ApplicationFailure.create({ type: failureType(err), message: err.message, details: [failureDetails(err)], nonRetryable: true });
}

/**
 * For create, which cannot be looked up afterwards: a refusal for now goes
 * back to the workflow, which waits and tries again; an unclear outcome says
 * whether callbacks were on, since then the workflow can still recognise the
 * task by the attempt marker in its callback URL.
 */
export function createFailure(err: unknown, callbacks: boolean): unknown {
  if (err instanceof ViduAbortError || !isViduError(err)) return err;
  if (isDefinitiveRejection(err)) return rateLimited(err, true);
  if (isUnclearOutcome(err)) {
    return ApplicationFailure.create({
      type: FAILURE_TYPES.createOutcomeUnknown,
      message: `the create request may have reached Vidu (${err.message}): a task may exist and be billed`,
      details: [{ ...failureDetails(err), callbacks }],
      nonRetryable: true,
    });
  }
  return ApplicationFailure.create({ type: failureType(err), message: err.message, details: [failureDetails(err)], nonRetryable: true });
}
