// The ad workflow's public surface: its input, result, signals, update and
// query. Clients (starter, admin tool, receiver) and tests import these
// definitions; the workflow implements them. Every argument is a plain JSON
// object so `temporal workflow signal --input '{...}'` and the Web UI work too.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AspectRatio, Language } from '../vidu/apiTypes';
import type { AdFilmContinuation } from './adState';

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

/** What an edit changes: one storyboard's video, the narration, or the background music. */
export type EditKind = 'video' | 'narration' | 'bgm';

export interface EditRequestInput {
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
  /** How long one Vidu task may take before the wait fails, in milliseconds. Default 30 minutes. */
  taskDeadlineMs?: number;
  /** Polling safety net: first check after `initialMs`, growing to `maxMs`. Defaults 10 s and 2 min. */
  polling?: { initialMs: number; maxMs: number };
  /**
   * A review continues as new once the run's history holds this many events
   * (or when Temporal suggests it), so many review rounds never grow one
   * history without bound. Default 2,000.
   */
  continueAsNewAfterEvents?: number;
  /** Set only by the workflow itself when it continues as new: the state carried over. Callers leave it unset. */
  continued?: AdFilmContinuation;
}

export interface StoredFile {
  path: string;
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
}

export interface StoryboardStatus {
  index: number;
  takes: TakeStatus[];
  selectedTakeId: string;
}

export interface EditStatus {
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
  creditsSpent: number;
  /** Epoch milliseconds when the operator review window closes, while in review. */
  reviewDeadline?: number;
  result?: AdFilmResult;
  lastError?: string;
}

/** A Vidu callback that the receiver verified; the body is a hint, confirmed with the query API. */
export interface ViduCallbackSignal {
  /** The callback body as Vidu sent it (the shape of GET /tasks/{id}/creations). */
  body: { id?: string; task_id?: string; state?: string; progress?: number; [extra: string]: unknown };
  nonce: string;
}

export interface SelectTakeInput {
  kind: EditKind;
  /** Required when kind is 'video'. */
  storyboardIndex?: number;
  takeId: string;
}

export interface CancelInput {
  reason?: string;
}

export interface EditAccepted {
  subTaskId: string;
}

export const viduCallbackSignal = defineSignal<[ViduCallbackSignal]>('viduCallback');
export const requestEditSignal = defineSignal<[EditRequestInput]>('requestEdit');
export const selectTakeSignal = defineSignal<[SelectTakeInput]>('selectTake');
export const approveSignal = defineSignal<[Record<string, never>?]>('approve');
export const cancelAdSignal = defineSignal<[CancelInput?]>('cancelAd');

/** Edit with an answer: the validator rejects bad requests before they reach history. */
export const editUpdate = defineUpdate<EditAccepted, [EditRequestInput]>('edit');

export const statusQuery = defineQuery<AdStatus>('status');

/** Limits shared by the update validator and the clients' own checks. */
export const EDIT_PROMPT_MAX_CHARS = 2000;
export const DEFAULT_MAX_EDITS = 10;
