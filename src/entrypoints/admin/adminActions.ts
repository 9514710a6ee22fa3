// What an operator can do to ads, as functions on a Temporal client. The admin
// command line prints their results; the demo calls them directly, so both
// steer an ad the same way. Every failure an operator should understand comes
// back as AdNotFoundError, AdRequestRejectedError or AdminError, each with a
// one-line message.
import { isGrpcDeadlineError, type Client } from '@temporalio/client';
import { getAdHandle } from '../../starter/adHandle';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from '../../workflows/searchAttributes';
import { AD_STAGES, AD_WORKFLOW_TYPE, isFinishedStage, type AdStatus, type EditAccepted, type EditRequestInput, type SelectTakeInput } from '../../workflows/messages';


/** A failure that is neither a missing ad nor a rejection: Temporal slow, no worker, bad filter. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
}

export interface AdminOptions {
  /** How long one call may take before the operator is told why it did not answer. Default 15 s. */
  timeoutMs?: number;
}

async function withTimeout<T>(client: Client, what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, call);
  } catch (err) {
    if (isGrpcDeadlineError(err)) {
      throw new AdminError(`${what} got no answer within ${timeoutMs / 1000} s: is a worker running for the ads' task queue?`);
    }
    throw err;
  }
}

export interface AdListing {
  adId: string;
  workflowId: string;
  /** The AdStage search attribute, as last set by the workflow. */
  stage: string | undefined;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED... */
  status: string;
  viduTaskId: string | undefined;
  startTime: string;
  closeTime: string | undefined;
}

/** Ads from Temporal's visibility store, newest first, optionally only those in one stage. */
export async function listAds(client: Client, filter: { stage?: string; limit?: number } = {}): Promise<AdListing[]> {
  if (filter.stage !== undefined && !(AD_STAGES as readonly string[]).includes(filter.stage)) {
    throw new AdminError(`unknown stage "${filter.stage}": use one of ${AD_STAGES.join(', ')}`);
  }
  const clauses = [`WorkflowType = '${AD_WORKFLOW_TYPE}'`];
  if (filter.stage) clauses.push(`AdStage = '${filter.stage}'`);
  const limit = filter.limit ?? 50;
  const ads: AdListing[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(limit, 100) })) {
    const attributes = wf.typedSearchAttributes;
    ads.push({
      adId: attributes.get(AD_ID) ?? wf.workflowId.replace(/^ad-/, ''),
      workflowId: wf.workflowId,
      stage: attributes.get(AD_STAGE),
      status: wf.status.name,
      viduTaskId: attributes.get(VIDU_TASK_ID),
      startTime: wf.startTime.toISOString(),
      closeTime: wf.closeTime?.toISOString(),
    });
    if (ads.length >= limit) break;
  }
  return ads;
}

export async function showAd(client: Client, adId: string, options: AdminOptions = {}): Promise<AdStatus> {
  return withTimeout(client, 'the status query', options.timeoutMs ?? 15_000, () => getAdHandle(client, adId).status());
}

/** Requests an edit through the workflow's update; its validator's "no" comes back as AdRequestRejectedError. */
export async function requestEdit(client: Client, adId: string, edit: EditRequestInput, options: AdminOptions = {}): Promise<EditAccepted> {
  // The update answers once Vidu has accepted the sub-task, which can take a while under rate limits.
  return withTimeout(client, 'the edit request', options.timeoutMs ?? 60_000, () => getAdHandle(client, adId).edit(edit));
}

/** Picks an existing take; refused (AdRequestRejectedError) unless the ad is in review and the take is a finished one of that part. */
export async function selectTake(client: Client, adId: string, take: SelectTakeInput, options: AdminOptions = {}): Promise<void> {
  // Checked against the status before the signal and confirmed by it afterwards: see starter/takeSelection.
  await withTimeout(client, 'the select request', options.timeoutMs ?? 15_000, () => getAdHandle(client, adId).select(take));
}

export async function approveAd(client: Client, adId: string, options: AdminOptions = {}): Promise<void> {
  await withTimeout(client, 'the approve signal', options.timeoutMs ?? 15_000, () => getAdHandle(client, adId).approve());
}

export async function cancelAd(client: Client, adId: string, reason?: string, options: AdminOptions = {}): Promise<void> {
  await withTimeout(client, 'the cancel signal', options.timeoutMs ?? 15_000, () => getAdHandle(client, adId).cancel(reason));
}

export interface WatchOptions extends AdminOptions {
  intervalMs?: number;
  /** Stop watching early (the ad goes on). */
  signal?: AbortSignal;
  /** Stop when this is true of a status, e.g. "reached review"; default: a final stage. */
  until?: (status: AdStatus) => boolean;
}

/** Polls the status until the ad finishes (or `until` says so); `onStatus` sees every status that differs from the last. */
export async function watchAd(client: Client, adId: string, onStatus: (status: AdStatus) => void, options: WatchOptions = {}): Promise<AdStatus> {
  const until = options.until ?? ((s: AdStatus) => isFinishedStage(s.stage));
  const intervalMs = options.intervalMs ?? 1_000;
  let last = '';
  for (;;) {
    const status = await showAd(client, adId, options);
    const fingerprint = JSON.stringify(status);
    if (fingerprint !== last) onStatus(status);
    last = fingerprint;
    if (until(status) || options.signal?.aborted) return status;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, intervalMs);
      options.signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
