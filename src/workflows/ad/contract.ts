// The ad workflow's public surface: its input, result, signals, update and
// query. Clients (starter, admin tool, receiver) and tests import these
// definitions; the workflow implements them. Every argument is a plain JSON
// object so `temporal workflow signal --input '{...}'` and the Web UI work too.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ViduCallbackSignal } from '../../callbacks/viduCallback';
import type { AspectRatio, Language } from '../../vidu/apiTypes';

export const AD_WORKFLOW_TYPE = 'adFilmWorkflow';
export const DEFAULT_TASK_QUEUE = 'vidu-ads';

/** One workflow per caller-chosen ad id, so starting the same ad twice yields one workflow. */
export function workflowIdForAd(adId: string): string {
  return `ad-${adId}`;
}

export const AD_STAGES = ['creating', 'generating', 'reading', 'editing', 'review', 'composing', 'saving', 'done', 'failed', 'cancelled'] as const;
export type AdStage = (typeof AD_STAGES)[number];

/** The stages an ad ends in: nothing changes it any more. */
export const FINISHED_AD_STAGES: readonly AdStage[] = ['done', 'failed', 'cancelled'];
export function isFinishedStage(stage: string): boolean {
  return (FINISHED_AD_STAGES as readonly string[]).includes(stage);
}

/**
 * The refusal for a request to an ad that has finished or is being cancelled:
 * the same words whether the workflow's validator answers (it is still
 * closing) or the API does (it has closed), so a caller need not race them.
 */
export function finishedAdRefusal(stage: AdStage): string {
  return isFinishedStage(stage) ? `the ad has already finished (${stage})` : `the ad is being cancelled (it was ${stage})`;
}

/** What an edit changes: one storyboard's video, the narration, or the background music. */
export type EditKind = 'video' | 'narration' | 'bgm';

/**
 * Every operator request may carry a request id (1-128 letters, digits, "-",
 * "_", ".", ":"). The workflow remembers it: a request repeated with the same
 * id (a retried update, a signal sent twice) gets the first answer and spends
 * nothing more. Clients that use the updates pass it as the update id too.
 */
export interface OperatorRequest {
  requestId?: string;
  /**
   * Who sends the request, as the status's `requests` records it: the API key's name, the admin
   * tool's `--as` (default user@host), the starter's `by` option (default "starter"). Optional:
   * requests from older clients have none. At most BY_MAX_CHARS characters are kept.
   */
  by?: string;
}

export interface EditRequestInput extends OperatorRequest {
  kind: EditKind;
  /** 0-based storyboard index; required when kind is 'video'. */
  storyboardIndex?: number;
  prompt: string;
}

export type ReviewTimeoutOutcome = 'compose-selected' | 'keep-first-video' | 'fail';

export interface AdFilmInput {
  /** Caller-chosen id: letters, digits, '-', '_' and '.', at most 128 characters. */
  adId: string;
  /**
   * 1-7 images. Each is a public http(s) URL, or `stored:<key>`: a reference to
   * bytes the starter put in the artifact store (base64 never enters history).
   */
  images: string[];
  prompt?: string;
  duration?: number;
  aspectRatio?: AspectRatio;
  language?: Language;
  /** Edits applied as soon as the first video is ready. */
  edits?: EditRequestInput[];
  review?: {
    enabled: boolean;
    /** How long an operator may take, in milliseconds. */
    windowMs: number;
    onTimeout: ReviewTimeoutOutcome;
  };
  /** Most edits (from input, update and signal together) this ad may spend credits on. Default 10. */
  maxEdits?: number;
  /**
   * The ad's credit budget: every create, edit and compose first reserves its
   * estimated cost (Vidu's published prices) against it, and a request that
   * would go past it is refused before anything is sent. A positive whole
   * number; unset: no limit (the account's balance is still checked before the create).
   */
  maxCredits?: number;
  /**
   * How long one Vidu task may run once Vidu reports it processing, in
   * milliseconds (time spent queueing does not count). Default 30 minutes; 5 s to 24 h.
   */
  taskDeadlineMs?: number;
  /** How long one Vidu task may wait in Vidu's queue before it starts. Default 6 hours; 5 s to 7 days. */
  queueDeadlineMs?: number;
  /** Polling safety net: first check after `initialMs`, growing to `maxMs`. Defaults 10 s and 2 min; 1 s to 1 h. */
  polling?: { initialMs: number; maxMs: number };
  /**
   * How long the ad keeps retrying while Vidu is unreachable or rate-limits it
   * (reads, downloads, saves, cancels, and creates, edits and composes refused
   * with 429 / QuotaExceeded / OperationInProcess) before it fails. Default 6 hours; 10 s to 7 days.
   */
  outageBudgetMs?: number;
  /**
   * With callbacks on: after a create whose outcome is unclear, how long to
   * wait for a callback that carries the attempt's marker before the ad fails
   * with ViduCreateOutcomeUnknown. Default 2 hours; 1 s to 24 h.
   */
  createAdoptWindowMs?: number;
  /**
   * How soon Temporal notices that a worker died in the middle of an activity
   * (activities heartbeat every 5 s). Default 60 s; 10 s to 10 min.
   */
  heartbeatTimeoutMs?: number;
  /**
   * Resume from this existing Vidu ad task instead of creating one (set by
   * the starter's `retryAd` when a failed ad's main task had succeeded).
   */
  resumeFromTaskId?: string;
  /**
   * A review continues as new once the run's history holds this many events
   * (or when Temporal suggests it), so many review rounds never grow one
   * history without bound. Default 2,000.
   */
  continueAsNewAfterEvents?: number;
  /**
   * When the ad ends (done, failed or cancelled) the worker POSTs a signed
   * notification here (Standard Webhooks: webhook-id, webhook-timestamp and
   * webhook-signature headers; body `AdFinishedNotification`), retried until
   * delivered. An absolute http(s) URL, at most 2,048 characters.
   */
  notifyUrl?: string;
  /** Set by a campaign for its ads: the ad reports each change of stage to this campaign workflow. */
  campaign?: { workflowId: string };
  /**
   * Who started the ad (the status shows it): the API key's name, the starter's `by` option
   * (default "starter"), or for a campaign's ad whoever started the campaign. Set by the starter,
   * not by callers; ads started by older clients have none.
   */
  startedBy?: string;
  /** Set only by the workflow itself when it continues as new: the state carried over. Callers leave it unset. */
  continued?: AdFilmContinuation;
}

/**
 * What a run hands the next when it continues as new. The state is the
 * workflow's own (./state.ts), opaque to every client, so this contract does
 * not depend on it; the workflow reads it as its state type.
 */
export interface AdFilmContinuation<State = unknown> {
  state: State;
  /** 1 for the first run; grows with each continue-as-new. */
  run: number;
}

export interface StoredFile {
  /**
   * Where the file is: an absolute path on the worker's machine for the local
   * folder store, `s3://<bucket>/<key>` for the S3 store.
   */
  path: string;
  /** The file's path inside the artifact store, e.g. "<adId>/final-<taskId>.mp4" (results saved by older workers lack it). */
  key?: string;
  /**
   * The same file relative to the ad's folder in the artifact store, as the
   * HTTP API serves it at `/v1/ads/{adId}/media/<media>` (results saved by older workers lack it).
   */
  media?: string;
  bytes: number;
  contentType: string;
  sha256: string;
}

export interface AdSelection {
  videoTaskIds: string[];
  narrationTaskId: string;
  bgmTaskId: string;
}

export interface AdFilmResult {
  adId: string;
  /** 'composed' when the selection changed and a compose ran; 'first-video' otherwise. */
  outcome: 'composed' | 'first-video';
  mainTaskId: string;
  composeTaskId?: string;
  editTaskIds: string[];
  selection: AdSelection;
  video: StoredFile;
  cover: StoredFile;
  creditsSpent: number;
}

export interface TakeStatus {
  id: string;
  prompt: string;
  state: string;
  /**
   * The take's video (or, for narration and music, audio) kept in the artifact
   * store, as a path relative to the ad's folder there (e.g. "takes/<id>.mp4").
   * Set once the copy is saved; Vidu's own URLs expire within the hour.
   * The HTTP API serves it at `/v1/ads/{adId}/media/<path>`.
   */
  media?: string;
  /** The take's cover frame in the artifact store, relative to the ad's folder (e.g. "takes/<id>-cover.png"). */
  cover?: string;
}

export interface StoryboardStatus {
  index: number;
  takes: TakeStatus[];
  selectedTakeId: string;
}

export interface EditStatus {
  requestId?: string;
  kind: EditKind;
  storyboardIndex?: number;
  prompt: string;
  /** Vidu's sub-task id, once the edit has been created. */
  subTaskId?: string;
  state: 'pending' | 'running' | 'succeeded' | 'failed';
  /** Progress of the Vidu sub-task, 0-100, while it runs. */
  progress?: number;
  error?: string;
}

export interface AdStatus {
  adId: string;
  stage: AdStage;
  /** Progress of the Vidu task being awaited, 0-100. */
  progress: number;
  mainTaskId?: string;
  composeTaskId?: string;
  storyboards: StoryboardStatus[];
  narration?: { takes: TakeStatus[]; selectedTakeId: string };
  bgm?: { takes: TakeStatus[]; selectedTakeId: string };
  edits: EditStatus[];
  editsUsed: number;
  maxEdits: number;
  /** Credits Vidu charged for the ad's tasks (as charged at creation, then as reported once final). */
  creditsSpent: number;
  /** The credit budget: estimated, reserved and spent (settled from Vidu's final reports), and the limit when `maxCredits` is set (absent from workers older than budgets). */
  credits?: CreditsStatus;
  /** Epoch milliseconds when the operator review window closes, while in review. */
  reviewDeadline?: number;
  result?: AdFilmResult;
  lastError?: string;
  /** What the ad is waiting for when it is not simply progressing, e.g. "Vidu unreachable for 3m (ServiceUnavailable), retrying in 40s". */
  waitingFor?: string;
  /** The latest operator requests (at most 100) and how each was answered. */
  requests: RequestRecord[];
  /** Who started the ad (absent for ads started by older clients). */
  startedBy?: string;
  /** 1 for the first run; grows each time the ad continues as new. */
  runNumber: number;
  /** The completion webhook, when the ad was started with a `notifyUrl`. */
  notification?: NotificationStatus;
}

/**
 * An ad's credits as its budget sees them. `reserved` is held for requests
 * Vidu has not finished; `spent` is what Vidu reported for finished ones;
 * `estimated` is what those requests were expected to cost (the open and the
 * settled, not the refunded). Ads started before budgets existed show their
 * charged credits as `spent` and 0 for the rest.
 */
export interface CreditsStatus {
  estimated: number;
  reserved: number;
  spent: number;
  /** The ad's `maxCredits`, when it has one. */
  limit?: number;
  /** Charged beyond the estimates (Vidu charged more than its published prices say). */
  overrun: number;
}

/** The body of the completion webhook sent to `notifyUrl` (JSON). */
export interface AdFinishedNotification {
  type: 'ad.finished';
  /** ISO 8601, when the ad ended. */
  timestamp: string;
  data: {
    adId: string;
    stage: 'done' | 'failed' | 'cancelled';
    result?: AdFilmResult;
    /** Why the ad failed or was cancelled. */
    error?: { type: string; message: string };
  };
}

/** Where the completion webhook stands (in the status while the ad has a `notifyUrl`). */
export interface NotificationStatus {
  url: string;
  state: 'pending' | 'delivered' | 'failed';
  /** The webhook-id header: the same on every attempt, so receivers can drop repeats. */
  webhookId?: string;
  error?: string;
}

export type OperatorRequestKind = 'edit' | 'select' | 'approve' | 'cancel';

/** How the workflow answered one operator request (signals cannot answer, so this is where a rejection shows). */
export interface RequestRecord {
  requestId: string;
  kind: OperatorRequestKind;
  via: 'signal' | 'update' | 'input';
  outcome: 'accepted' | 'rejected';
  /** Why it was rejected ("field: rule"). */
  reason?: string;
  /** Who sent it (the request's `by`); absent when the sender named no one (older clients). */
  by?: string;
  /** Workflow time, epoch milliseconds. */
  at: number;
}

/** The `viduCallback` signal's argument, and its rules: src/callbacks/viduCallback.ts. */
export type { ViduCallbackSignal };

export interface SelectTakeInput extends OperatorRequest {
  kind: EditKind;
  /** Required when kind is 'video'. */
  storyboardIndex?: number;
  takeId: string;
}

export type ApproveInput = OperatorRequest;

export interface CancelInput extends OperatorRequest {
  reason?: string;
}

export interface EditAccepted {
  requestId: string;
  subTaskId: string;
}

export interface RequestAccepted {
  requestId: string;
}

export const viduCallbackSignal = defineSignal<[ViduCallbackSignal]>('viduCallback');
export const requestEditSignal = defineSignal<[EditRequestInput]>('requestEdit');
export const selectTakeSignal = defineSignal<[SelectTakeInput]>('selectTake');
export const approveSignal = defineSignal<[ApproveInput?]>('approve');
export const cancelAdSignal = defineSignal<[CancelInput?]>('cancelAd');

/**
 * The same operator messages as updates, for callers that want the answer:
 * each validator rejects a bad request before it reaches history, and a
 * request id used as the update id makes a retried call return the first result.
 */
export const editUpdate = defineUpdate<EditAccepted, [EditRequestInput]>('edit');
export const selectTakeUpdate = defineUpdate<RequestAccepted, [SelectTakeInput]>('select');
export const approveUpdate = defineUpdate<RequestAccepted, [ApproveInput?]>('approveAd');
export const cancelUpdate = defineUpdate<RequestAccepted, [CancelInput?]>('cancel');

export const statusQuery = defineQuery<AdStatus>('status');

/** Limits shared by the update validator and the clients' own checks. */
export const EDIT_PROMPT_MAX_CHARS = 2000;
export const DEFAULT_MAX_EDITS = 10;
export const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;
export const BY_MAX_CHARS = 200;

/** A request's or a start's `by`, as the workflow keeps it: trimmed text of at most BY_MAX_CHARS characters; undefined when there is none. */
export function senderOf(by: unknown): string | undefined {
  if (typeof by !== 'string') return undefined;
  const trimmed = by.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, BY_MAX_CHARS);
}
