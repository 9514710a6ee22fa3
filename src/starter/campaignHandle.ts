// A typed handle on one campaign. Its requests are updates that fan out to
// the campaign's ads (approve the ads in review, edit them, cancel the
// campaign); each carries a request id, also the Temporal update id, so a
// repeated call returns the first answer and spends nothing more.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import {
  campaignApproveUpdate,
  campaignCancelUpdate,
  campaignEditUpdate,
  campaignStatusQuery,
  workflowIdForCampaign,
  type CampaignCancelInput,
  type CampaignEditInput,
  type CampaignRequestAccepted,
  type CampaignResult,
  type CampaignStatus,
} from '../workflows/campaign/contract';
import { senderOf, type OperatorRequest } from '../workflows/ad/contract';
import { innermostMessage, type AdHandleOptions } from './adHandle';
import { AdNotFoundError, AdRequestRejectedError } from './errors';
import { requestIdFor } from './requestIds';

export interface CampaignHandle {
  readonly campaignId: string;
  readonly workflowId: string;
  readonly workflow: WorkflowHandle;
  /** Stages summed over the ads, progress, credits, and each variant. Needs a running worker. */
  status(): Promise<CampaignStatus>;
  /** Approves every ad in review (or those of `variantKeys`). */
  approve(request?: OperatorRequest & { variantKeys?: string[] }): Promise<CampaignRequestAccepted>;
  /** Asks the same edit of every ad in review (or those of `variantKeys`). */
  edit(request: CampaignEditInput): Promise<CampaignRequestAccepted>;
  /** Starts no more variants and cancels every ad still running. */
  cancel(request?: CampaignCancelInput): Promise<CampaignRequestAccepted>;
  result(): Promise<CampaignResult>;
}

function translate(campaignId: string, err: unknown): never {
  const label = `campaign ${campaignId}`;
  if (err instanceof WorkflowNotFoundError) {
    if (/already completed/i.test(err.message)) throw new AdRequestRejectedError(label, 'the campaign has already finished');
    throw new AdNotFoundError(label);
  }
  if (err instanceof WorkflowUpdateFailedError) throw new AdRequestRejectedError(label, innermostMessage(err));
  throw err;
}

export function getCampaignHandle(client: Client, campaignId: string, options: AdHandleOptions = {}): CampaignHandle {
  const workflowId = workflowIdForCampaign(campaignId);
  const workflow = client.workflow.getHandle(workflowId);
  const by = senderOf(options.by) ?? 'starter';
  const send = async <T extends OperatorRequest>(update: typeof campaignApproveUpdate | typeof campaignEditUpdate | typeof campaignCancelUpdate, request: T) => {
    const requestId = requestIdFor(request.requestId);
    // Each ad the request reaches records the same `by`.
    const args = { ...request, by: senderOf(request.by) ?? by, requestId };
    try {
      return await workflow.executeUpdate(update as typeof campaignEditUpdate, { args: [args as unknown as CampaignEditInput], updateId: requestId });
    } catch (err) {
      return translate(campaignId, err);
    }
  };
  return {
    campaignId,
    workflowId,
    workflow,
    status: () => workflow.query(campaignStatusQuery).catch((err: unknown) => translate(campaignId, err)),
    approve: (request = {}) => send(campaignApproveUpdate, request),
    edit: (request) => send(campaignEditUpdate, request),
    cancel: (request = {}) => send(campaignCancelUpdate, request),
    result: () => workflow.result() as Promise<CampaignResult>,
  };
}
