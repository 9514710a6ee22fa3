// A typed handle on one ad: what other services (and the admin tool) do with
// an ad after starting it. Failures come back as the starter's own errors:
// AdNotFoundError for an unknown ad, AdRequestRejectedError when the workflow
// says no (an edit's validator, or an ad that has already finished).
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  approveSignal,
  cancelAdSignal,
  editUpdate,
  selectTakeSignal,
  statusQuery,
  workflowIdForAd,
  type AdFilmResult,
  type AdStatus,
  type EditAccepted,
  type EditRequestInput,
  type SelectTakeInput,
} from '../workflows/messages';
import { AdNotFoundError, AdRequestRejectedError } from './errors';
import { awaitSelection, selectionProblem } from './takeSelection';

export interface AdHandle {
  readonly adId: string;
  readonly workflowId: string;
  /** The underlying Temporal handle, for anything this interface does not cover. */
  readonly workflow: WorkflowHandle;
  /** The whole status (stage, progress, storyboards, edits, credits). Needs a running worker. */
  status(): Promise<AdStatus>;
  /** Requests an edit; answers Vidu's sub-task id once the workflow accepted it. */
  edit(request: EditRequestInput): Promise<EditAccepted>;
  /**
   * Chooses an existing take for a storyboard, the narration or the background music.
   * Answers once the status shows the take selected; rejects with AdRequestRejectedError
   * when the ad is not in review or the take is not a finished take of that part,
   * or when the workflow refuses the selection. Needs a running worker.
   */
  select(take: SelectTakeInput): Promise<void>;
  /** Ends the review: the workflow composes what is selected. */
  approve(): Promise<void>;
  cancel(reason?: string): Promise<void>;
  /** Waits for the ad to finish; a failed or cancelled ad rejects with WorkflowFailedError. */
  result(): Promise<AdFilmResult>;
}

/** The message inside an update or signal failure (the validator's own words, not the SDK's wrapper). */
function innermostMessage(err: Error): string {
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

export function getAdHandle(client: Client, adId: string): AdHandle {
  const workflowId = workflowIdForAd(adId);
  const workflow = client.workflow.getHandle(workflowId);
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      translate(adId, err);
    }
  };
  return {
    adId,
    workflowId,
    workflow,
    status: () => guard(() => workflow.query(statusQuery)),
    edit: (request) => guard(() => workflow.executeUpdate(editUpdate, { args: [request] })),
    select: (take) =>
      guard(async () => {
        const readStatus = () => workflow.query(statusQuery);
        const before = await readStatus();
        const problem = selectionProblem(before, take);
        if (problem) throw new AdRequestRejectedError(adId, problem);
        await workflow.signal(selectTakeSignal, take);
        const refusal = await awaitSelection(readStatus, take, before.lastError);
        if (refusal) throw new AdRequestRejectedError(adId, refusal);
      }),
    approve: () => guard(() => workflow.signal(approveSignal, {})),
    cancel: (reason) => guard(() => workflow.signal(cancelAdSignal, reason ? { reason } : {})),
    result: () => guard(() => workflow.result() as Promise<AdFilmResult>),
  };
}
