// What an operator can do to ads, as functions on a Temporal client. The admin
// command line prints their results; the demo calls them directly, so both
// steer an ad the same way. Every failure an operator should understand comes
// back as AdNotFoundError, AdRequestRejectedError, AdRetryRefusedError,
// AdInputError (a malformed request id) or AdminError, each with a one-line message.
import { isGrpcDeadlineError, type Client } from '@temporalio/client';
import { getAdHandle } from '../../starter/adHandle';
import { requestIdFor } from '../../starter/requestIds';
import { retryAd, type RetriedAd, type RetryAdOptions } from '../../starter/retryAd';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from '../../workflows/ad/searchAttributes';
import {
  AD_STAGES,
  AD_WORKFLOW_TYPE,
  isFinishedStage,
  statusQuery,
  type AdStatus,
  type ApproveInput,
  type CancelInput,
  type CreditsStatus,
  type EditAccepted,
  type EditRequestInput,
  type RequestAccepted,
  type SelectTakeInput,
} from '../../workflows/ad/contract';

/** A failure that is neither a missing ad nor a rejection: Temporal slow, no worker, bad filter. */
export class AdminError extends Error {
  override readonly name: string = 'AdminError';
}

/**
 * A call got no answer in time. For an operator request that is not a "no":
 * it may still be in progress, and sending it again with the same request id
 * is safe, because the ad answers a repeated id with its first answer.
 */
export class AdminTimeoutError extends AdminError {
  override readonly name = 'AdminTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    /** What the operator should know or do next. */
    readonly hint: string,
    /** The request id the unanswered request carried (operator requests only). */
    readonly requestId?: string,
  ) {
    super(`${what} got no answer within ${timeoutMs / 1000} s: ${hint}`);
  }
}

const NO_WORKER_HINT = "is a worker running for the ads' task queue?";

function requestHint(requestId: string): string {
  return `it may still be in progress (${NO_WORKER_HINT}); sending it again with request id ${requestId} is safe: a repeat gets the first answer`;
}

export interface AdminOptions {
  /** How long one call may take before the operator is told why it did not answer. Default 15 s (edit: 60 s). */
  timeoutMs?: number;
}

interface Deadline {
  what: string;
  timeoutMs: number;
  /** Set for operator requests: the id under which sending it again is safe. */
  requestId?: string;
  hint?: string;
}

async function withTimeout<T>(client: Client, deadline: Deadline, call: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + deadline.timeoutMs, call);
  } catch (err) {
    if (!isGrpcDeadlineError(err)) throw err;
    const { what, timeoutMs, requestId } = deadline;
    throw new AdminTimeoutError(what, timeoutMs, deadline.hint ?? (requestId ? requestHint(requestId) : NO_WORKER_HINT), requestId);
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
  /** The ad's credits from its status query; undefined when the query did not answer in time (no worker, say). */
  credits?: CreditsStatus;
}

/** How long `list` waits for each ad's status (asked all at once) before it shows the ad without credits. */
const LIST_STATUS_TIMEOUT_MS = 3_000;

async function creditsOf(client: Client, workflowId: string): Promise<CreditsStatus | undefined> {
  try {
    const status = await client.withDeadline(Date.now() + LIST_STATUS_TIMEOUT_MS, () => client.workflow.getHandle(workflowId).query(statusQuery));
    return status.credits ?? { estimated: 0, reserved: 0, spent: status.creditsSpent, overrun: 0 };
  } catch {
    // The list is still worth showing without this ad's credits.
    return undefined;
  }
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
  const credits = await Promise.all(ads.map((ad) => creditsOf(client, ad.workflowId)));
  return ads.map((ad, i) => (credits[i] ? { ...ad, credits: credits[i] } : ad));
}

export async function showAd(client: Client, adId: string, options: AdminOptions = {}): Promise<AdStatus> {
  return withTimeout(client, { what: 'the status query', timeoutMs: options.timeoutMs ?? 15_000 }, () => getAdHandle(client, adId).status());
}

// Each operator request gets its request id here, before the call, so that a
// timeout can name the id under which sending it again is safe.

/** Requests an edit through the workflow's update; its validator's "no" comes back as AdRequestRejectedError. */
export async function requestEdit(client: Client, adId: string, edit: EditRequestInput, options: AdminOptions = {}): Promise<EditAccepted> {
  const requestId = requestIdFor(edit.requestId);
  // The update answers once Vidu has accepted the sub-task, which can take a while under rate limits.
  return withTimeout(client, { what: 'the edit request', timeoutMs: options.timeoutMs ?? 60_000, requestId }, () => getAdHandle(client, adId).edit({ ...edit, requestId }));
}

/** Picks an existing take; refused (AdRequestRejectedError) unless the ad is in review and the take is a finished one of that part. */
export async function selectTake(client: Client, adId: string, take: SelectTakeInput, options: AdminOptions = {}): Promise<RequestAccepted> {
  const requestId = requestIdFor(take.requestId);
  return withTimeout(client, { what: 'the select request', timeoutMs: options.timeoutMs ?? 15_000, requestId }, () => getAdHandle(client, adId).select({ ...take, requestId }));
}

export async function approveAd(client: Client, adId: string, request: ApproveInput = {}, options: AdminOptions = {}): Promise<RequestAccepted> {
  const requestId = requestIdFor(request.requestId);
  return withTimeout(client, { what: 'the approve request', timeoutMs: options.timeoutMs ?? 15_000, requestId }, () => getAdHandle(client, adId).approve({ ...request, requestId }));
}

export async function cancelAd(client: Client, adId: string, request: CancelInput = {}, options: AdminOptions = {}): Promise<RequestAccepted> {
  const requestId = requestIdFor(request.requestId);
  return withTimeout(client, { what: 'the cancel request', timeoutMs: options.timeoutMs ?? 15_000, requestId }, () => getAdHandle(client, adId).cancel({ ...request, requestId }));
}

/** Starts a closed ad again (src/starter/retryAd.ts): resumed from its Vidu task when that succeeded, else created afresh. */
export async function retryClosedAd(client: Client, adId: string, retry: RetryAdOptions = {}, options: AdminOptions = {}): Promise<RetriedAd> {
  // A retry of a running ad is refused, so after a timeout (a run may have started) trying again is safe.
  const hint = 'Temporal may be slow or unreachable, and a new run may have started; trying again is safe: a running ad is never retried';
  return withTimeout(client, { what: 'the retry', timeoutMs: options.timeoutMs ?? 15_000, hint }, () => retryAd(client, adId, retry));
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
