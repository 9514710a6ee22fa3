// A typed handle on one ad: what other services (and the admin tool) do with
// an ad after starting it. Failures come back as the starter's own errors:
// AdNotFoundError for an unknown ad, AdRequestRejectedError when the workflow
// says no (an update's validator, or an ad that has already finished),
// AdInputError for a malformed request id.
//
// Operator requests go two ways. The updates (edit, select, approve, cancel)
// answer: they resolve once the workflow has accepted the request, or reject
// with its reason. Each carries a request id, also used as the Temporal update
// id, so calling again with the same id (after a timeout, from a retried job)
// returns the first answer and spends nothing more. The signals (signalEdit,
// ...) are fire-and-forget: they return the request id at once, and the
// workflow's answer shows later in the status, in `requests`, under that id.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import {
  approveSignal,
  approveUpdate,
  cancelAdSignal,
  cancelUpdate,
  editUpdate,
  requestEditSignal,
  selectTakeSignal,
  selectTakeUpdate,
  senderOf,
  statusQuery,
  workflowIdForAd,
  type AdFilmResult,
  type AdStatus,
  type ApproveInput,
  type CancelInput,
  type EditAccepted,
  type EditRequestInput,
  type OperatorRequest,
  type RequestAccepted,
  type SelectTakeInput,
} from '../workflows/ad/contract';
import { AdNotFoundError, AdRequestRejectedError } from './errors';
import { requestIdFor } from './requestIds';
import { selectionRefusal } from './takeSelection';

export interface AdHandle {
  readonly adId: string;
  readonly workflowId: string;
  /** The underlying Temporal handle, for anything this interface does not cover. */
  readonly workflow: WorkflowHandle;
  /** The whole status (stage, progress, storyboards, edits, credits, answered requests). Needs a running worker. */
  status(): Promise<AdStatus>;
  /**
   * Requests an edit (the `edit` update). Answers the request id and Vidu's
   * sub-task id once Vidu has accepted the sub-task; rejects with
   * AdRequestRejectedError when the validator refuses (stage, storyboard
   * index, prompt, edit limit). `request.requestId` names the request; without
   * it a fresh id is made up. Repeating a call with the same id answers the
   * first sub-task id and creates no second edit.
   */
  edit(request: EditRequestInput): Promise<EditAccepted>;
  /**
   * Chooses an existing take for a storyboard, the narration or the background
   * music (the `select` update). Resolves once the workflow has selected it;
   * rejects with AdRequestRejectedError when the ad is not in review or the
   * take is not a finished take of that part. The status is checked first,
   * for a reason that names the takes there are (a request id the ad has
   * already answered skips that check and gets its first answer). Needs a running worker.
   */
  select(take: SelectTakeInput): Promise<RequestAccepted>;
  /** Ends the review (the `approveAd` update): the workflow composes what is selected. Same request-id rules as `edit`. */
  approve(request?: ApproveInput): Promise<RequestAccepted>;
  /** Cancels the ad and its Vidu task in flight (the `cancel` update). Same request-id rules as `edit`. */
  cancel(request?: CancelInput): Promise<RequestAccepted>;
  /** The `requestEdit` signal: answers its request id at once; the outcome shows in `status().requests`. */
  signalEdit(request: EditRequestInput): Promise<string>;
  /** The `selectTake` signal: answers its request id at once; the outcome shows in `status().requests`. */
  signalSelect(take: SelectTakeInput): Promise<string>;
  /** The `approve` signal: answers its request id at once; the outcome shows in `status().requests`. */
  signalApprove(request?: ApproveInput): Promise<string>;
  /** The `cancelAd` signal: answers its request id at once; the outcome shows in `status().requests`. */
  signalCancel(request?: CancelInput): Promise<string>;
  /**
   * Waits for the ad to finish; a failed or cancelled ad rejects with WorkflowFailedError.
   * With a `notifyUrl`, the run closes (and this resolves) only once the webhook is
   * delivered or given up, while `status()` says `done` at once.
   */
  result(): Promise<AdFilmResult>;
}

/** The message inside an update failure (the validator's own words, not the SDK's wrapper). */
export function innermostMessage(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  return e.message;
}

function translate(adId: string, err: unknown): never {
  if (err instanceof WorkflowNotFoundError) {
    // Temporal answers NotFound both for no such workflow and for one that has completed.
    if (/already completed/i.test(err.message)) throw new AdRequestRejectedError(adId, 'the ad has already finished');
    throw new AdNotFoundError(adId);
  }
  if (err instanceof WorkflowUpdateFailedError) throw new AdRequestRejectedError(adId, innermostMessage(err));
  throw err;
}

/**
 * Temporal answers FAILED_PRECONDITION "unexpected workflow task failure" when
 * the workflow task that carried an update failed for a passing reason (e.g.
 * the update landed in the ad's first task while a worker was starting). The
 * update id is the request id, so sending it again is safe: a repeat gets the
 * first answer.
 */
export async function retryLostUpdate<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (err) {
      const lost = err instanceof Error && /unexpected workflow task failure/i.test(`${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`);
      if (!lost || attempt >= 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

export interface AdHandleOptions {
  /**
   * Who sends this handle's requests, recorded as `by` in the status's `requests` (a request's
   * own `by` wins). Default: "starter". The HTTP API passes the key's name, the admin tool its `--as`.
   */
  by?: string;
}

export function getAdHandle(client: Client, adId: string, options: AdHandleOptions = {}): AdHandle {
  const workflowId = workflowIdForAd(adId);
  const by = senderOf(options.by) ?? 'starter';
  const sender = <Req extends OperatorRequest>(request: Req): Req => ({ ...request, by: senderOf(request.by) ?? by });
  const workflow = client.workflow.getHandle(workflowId);
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      translate(adId, err);
    }
  };
  // The id is fixed before the first RPC, so the SDK's own retries and a caller's repeat carry the same one.
  const update = async <Ret, Req extends OperatorRequest>(definition: UpdateDefinition<Ret, [Req]>, request: Req, knownId?: string): Promise<Ret> => {
    const requestId = knownId ?? requestIdFor(request.requestId);
    const send = () => workflow.executeUpdate(definition, { args: [{ ...sender(request), requestId }], updateId: requestId });
    return guard(() => retryLostUpdate(send));
  };
  const signal = async <Req extends OperatorRequest>(definition: SignalDefinition<[Req]>, request: Req): Promise<string> => {
    const requestId = requestIdFor(request.requestId);
    await guard(() => workflow.signal(definition, { ...sender(request), requestId }));
    return requestId;
  };

  return {
    adId,
    workflowId,
    workflow,
    status: () => guard(() => workflow.query(statusQuery)),
    edit: (request) => update(editUpdate, request),
    select: async (take) => {
      const requestId = requestIdFor(take.requestId);
      const status = await guard(() => workflow.query(statusQuery));
      const problem = selectionRefusal(status, take, requestId);
      if (problem) throw new AdRequestRejectedError(adId, problem);
      return update(selectTakeUpdate, take, requestId);
    },
    // approve and cancel declare their argument optional (for `temporal workflow update` without input); this handle always sends one.
    approve: (request = {}) => update(approveUpdate as UpdateDefinition<RequestAccepted, [ApproveInput]>, request),
    cancel: (request = {}) => update(cancelUpdate as UpdateDefinition<RequestAccepted, [CancelInput]>, request),
    signalEdit: (request) => signal(requestEditSignal, request),
    signalSelect: (take) => signal(selectTakeSignal, take),
    signalApprove: (request = {}) => signal(approveSignal as SignalDefinition<[ApproveInput]>, request),
    signalCancel: (request = {}) => signal(cancelAdSignal as SignalDefinition<[CancelInput]>, request),
    result: () => guard(() => workflow.result() as Promise<AdFilmResult>),
  };
}
