// The activities the ad workflow calls, as plain types: the workflow proxies
// them and `src/activities` implements them. Arguments and results are small
// on purpose (ids, states, prompts), since each one is stored in history;
// media URLs, which expire within the hour, never enter it.
import type { AdFinishedNotification, AdSelection, EditKind, StoredFile } from './contract';

export interface CreateAdTaskInput {
  adId: string;
  /** Public URLs or `stored:` references; the activity turns references into data URIs. */
  images: string[];
  prompt?: string;
  duration?: number;
  aspectRatio?: '16:9' | '9:16' | '1:1';
  language?: 'zh' | 'en';
  /**
   * Unique per create attempt; put in the callback URL's (signed) query, so
   * that after an unclear outcome the workflow can recognise the callback of
   * the task this attempt made and adopt it.
   */
  attemptMarker?: string;
}

/**
 * What a create attempt records as its heartbeat, and waits to see recorded
 * by Temporal, before its request leaves the worker. An attempt that ended
 * in a timeout without it never sent anything (its task was lost on the way
 * to a worker, or the worker died first), so the workflow may try again; an
 * attempt with it may have reached Vidu, and `callbacks` says whether Vidu
 * can still tell the workflow about the task it made.
 */
export interface CreateEvidence {
  attemptMarker: string;
  callbacks: boolean;
}

export interface CreatedTask {
  taskId: string;
  state: string;
  credits: number;
}

/** A Vidu task's state as the query API (`/tasks/{id}/creations`) reports it. */
export interface TaskSnapshot {
  taskId: string;
  state: string;
  progress: number;
  errCode: string;
  credits: number;
}

export interface TakeRecord {
  id: string;
  prompt: string;
  state: string;
  errCode: string;
}

/** The sub-records of a finished ad, without their short-lived URLs. */
export interface AdRecords {
  /** Takes per storyboard, by storyboard index. */
  storyboards: TakeRecord[][];
  narration: TakeRecord[];
  bgm: TakeRecord[];
  /** Ids of every composed video; the first is the ad's own first video. */
  composedIds: string[];
  /** The takes the first composed video used: the initial selection. */
  firstSelection?: AdSelection;
}

export interface StartEditInput {
  mainTaskId: string;
  kind: EditKind;
  storyboardIndex?: number;
  prompt: string;
  /**
   * Unique per edit request and sent as Vidu's `payload`: after an unclear
   * outcome, a retry finds the record that carries it instead of paying twice.
   */
  marker: string;
  /** Record ids of the target (storyboard, narration or bgm) known before this edit: not candidates. */
  knownRecordIds: string[];
}

export interface StartComposeInput {
  mainTaskId: string;
  selection: AdSelection;
  /** The ad's number of storyboards: the selection must name one video take per storyboard. */
  storyboardCount: number;
  marker: string;
  knownComposeIds: string[];
}

export interface StartedSubTask {
  subTaskId: string;
  state: string;
  credits: number;
  /** True when a retry found the task the first attempt created (nothing was sent again). */
  recovered: boolean;
}

export interface CancelOutcome {
  cancelled: boolean;
  /** Why not, when Vidu refused (e.g. the task had already finished). */
  detail?: string;
}

export interface SaveResultInput {
  adId: string;
  /** The task whose creation is the final video: the compose task, or the main task for the first video. */
  taskId: string;
  label: 'composed' | 'first-video';
}

export interface SavedResult {
  video: StoredFile;
  cover: StoredFile;
}

/** One take the workflow still wants kept, and which of its files are missing. */
export interface TakeToSave {
  id: string;
  /** Storyboard takes are video (with a cover frame); narration and music takes are audio. */
  kind: 'video' | 'audio';
  media: boolean;
  cover: boolean;
}

export interface SaveTakesInput {
  adId: string;
  mainTaskId: string;
  takes: TakeToSave[];
}

/** Where a take's files landed, relative to the ad's folder ("takes/<id>.mp4"). */
export interface SavedTake {
  id: string;
  media?: string;
  cover?: string;
}

export interface SavedTakes {
  saved: SavedTake[];
  /** Takes (or files of takes) that could not be saved this time, with why (at most a few, shortened). */
  unsaved: Array<{ id: string; reason: string }>;
  /** How many takes had at least one file left unsaved (may exceed `unsaved.length`). */
  unsavedCount: number;
}

export interface NotifyAdFinishedInput {
  url: string;
  /** The webhook-id header: the same on every attempt. */
  webhookId: string;
  notification: AdFinishedNotification;
}

export interface NotifyOutcome {
  /** The receiver's HTTP status (2xx). */
  status: number;
}

export interface AccountCreditsInput {
  /** What the next request is estimated to cost (for the log). */
  needed: number;
}

/** The worker's choice when the account cannot pay for a create (ACCOUNT_CREDITS_SHORTFALL). */
export interface AccountShortfallPolicy {
  onShortfall: 'wait' | 'fail';
  /** While waiting: how often to read the balance again. */
  recheckMs: number;
}

export interface AccountCredits extends AccountShortfallPolicy {
  /** Credits the Vidu account has left (all its packages together). */
  remaining: number;
}

export interface AdActivities {
  checkAccountCredits(input: AccountCreditsInput): Promise<AccountCredits>;
  createAdTask(input: CreateAdTaskInput): Promise<CreatedTask>;
  getTaskState(taskId: string): Promise<TaskSnapshot>;
  readSubRecords(mainTaskId: string): Promise<AdRecords>;
  startEdit(input: StartEditInput): Promise<StartedSubTask>;
  startCompose(input: StartComposeInput): Promise<StartedSubTask>;
  cancelViduTask(taskId: string): Promise<CancelOutcome>;
  saveResult(input: SaveResultInput): Promise<SavedResult>;
  saveTakes(input: SaveTakesInput): Promise<SavedTakes>;
  notifyAdFinished(input: NotifyAdFinishedInput): Promise<NotifyOutcome>;
}

/**
 * The activities by the retry policy they are called under (./activityGroups.ts):
 * each group exposes only its own, so the compiler refuses, say, a create
 * through the reads group, whose quick retries would resend a paid request.
 */
export type ReadActivities = Pick<AdActivities, 'checkAccountCredits' | 'getTaskState' | 'readSubRecords' | 'cancelViduTask'>;
export type CreateActivities = Pick<AdActivities, 'createAdTask'>;
export type SpendActivities = Pick<AdActivities, 'startEdit' | 'startCompose'>;
export type SaveActivities = Pick<AdActivities, 'saveResult' | 'saveTakes'>;
export type NotifyActivities = Pick<AdActivities, 'notifyAdFinished'>;
