// Starts a closed ad again under the same ad id, without paying twice for what
// it already has. If its main Vidu task had succeeded, the new run resumes
// from that task (no create). Otherwise it is created afresh, except after a
// create whose outcome is unknown: a task may exist at Vidu and be billed, so
// that takes the caller's explicit acknowledgement. Everything is decided from
// Temporal's record of the last run, so it works while no worker runs.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { AD_WORKFLOW_TYPE } from '../workflows/ad/contract';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from '../workflows/ad/searchAttributes';
import { adStaticDetails, adStaticSummary } from '../workflows/ad/summaries';
import { getAdHandle, type AdHandle } from './adHandle';
import { AdRetryRefusedError } from './errors';
import { describeLastRun, readLastRunHistory, type RunFailure } from './lastRun';
import { planRetry, statusRefusal, type RetryPlanOptions } from './retryPlan';

export interface RetryAdOptions extends RetryPlanOptions {
  /** The task queue of the new run. Default: the queue the last run used. */
  taskQueue?: string;
}

export interface RetriedAd {
  ad: AdHandle;
  /** 'resumed': the new run continues from the existing Vidu task; 'retried': it creates a new one. */
  action: 'resumed' | 'retried';
  /** The Vidu task the new run resumes from (resumed only). */
  resumedFromTaskId?: string;
  /** Edits of the input not sent again because an earlier run already paid for them (resumed only; their takes stay selectable in review). */
  droppedEdits: number;
  /** The run that was retried: its id, Temporal status and failure. */
  previous: { runId: string; status: string; failure?: RunFailure };
  /** The new run's id. */
  runId: string;
}

/**
 * Starts a new run of a failed, cancelled, terminated or timed-out ad under its
 * id. Throws AdNotFoundError when there is no such ad, and AdRetryRefusedError
 * (nothing started) when the ad is running or done, or when its last create's
 * outcome is unknown and `acknowledgeUnknownCreate` is not true.
 */
export async function retryAd(client: Client, adId: string, options: RetryAdOptions = {}): Promise<RetriedAd> {
  const last = await describeLastRun(client, adId);
  const refusal = statusRefusal(adId, last);
  if (refusal) throw refusal;
  const facts = await readLastRunHistory(client, last);
  const plan = planRetry(adId, facts, options);

  const resumed = plan.action === 'resumed';
  let runId: string;
  try {
    const handle = await client.workflow.start(AD_WORKFLOW_TYPE, {
      workflowId: last.workflowId,
      taskQueue: options.taskQueue ?? last.taskQueue,
      args: [plan.input],
      // Temporal itself refuses a new run after a completed one, so a racing success is never run twice.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: AD_ID, value: adId },
        { key: AD_STAGE, value: resumed ? 'generating' : 'creating' },
        ...(plan.resumeFromTaskId ? [{ key: VIDU_TASK_ID, value: plan.resumeFromTaskId }] : []),
      ],
      staticSummary: `${adStaticSummary(plan.input)} (${resumed ? 'resumed' : 'retried'})`,
      staticDetails: `${adStaticDetails(plan.input)}\n\nRetried after ${facts.failure?.type ?? last.status.toLowerCase()}`,
    });
    runId = handle.firstExecutionRunId;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw new AdRetryRefusedError(adId, 'running', 'another run of the ad started meanwhile (a concurrent retry?): nothing was started');
  }
  return {
    ad: getAdHandle(client, adId),
    action: plan.action,
    resumedFromTaskId: plan.resumeFromTaskId,
    droppedEdits: plan.droppedEdits,
    previous: { runId: last.runId, status: last.status, failure: facts.failure },
    runId,
  };
}
