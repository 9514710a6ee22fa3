// The shapes of Vidu's Ad One-Click API as this project uses them, in plain
// TypeScript so that workflow code can import them without pulling zod into
// the sandbox. The zod schemas in `schemas.ts` check real responses against
// these shapes; the simulator produces them.

/** Vidu's task states. Anything other than success / failed / canceled is "not finished". */
export type ViduTaskState = 'created' | 'queueing' | 'processing' | 'success' | 'failed' | 'canceled' | (string & {});

export const FINAL_STATES = ['success', 'failed', 'canceled'] as const;
export type ViduFinalState = (typeof FINAL_STATES)[number];
export function isFinalState(state: string): state is ViduFinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}

export type AspectRatio = '16:9' | '9:16' | '1:1';
export type Language = 'zh' | 'en';
export type EditType = 'generate_video' | 'generate_narration' | 'generate_bgm';

/** POST /ent/v2/ad-one-click */
export interface CreateAdRequest {
  images: string[];
  prompt?: string;
  duration?: number;
  aspect_ratio?: AspectRatio;
  language?: Language;
  callback_url?: string;
}

export interface CreateAdResponse {
  task_id: string;
  state: ViduTaskState;
  images: string[];
  prompt: string;
  duration: number;
  aspect_ratio: string;
  language: string;
  credits: number;
  [extra: string]: unknown;
}

/** One creation of GET /ent/v2/tasks/{id}/creations. URLs expire (plan for one hour). */
export interface Creation {
  id: string;
  url: string;
  cover_url: string;
  watermarked_url?: string;
  [extra: string]: unknown;
}

/** GET /ent/v2/tasks/{id}/creations: works for the main task and every sub-task. Also the callback body. */
export interface TaskCreations {
  id: string;
  state: ViduTaskState;
  err_code: string;
  credits: number;
  payload: string;
  progress: number;
  creations: Creation[];
  [extra: string]: unknown;
}

/** A record of GET /ent/v2/ad-one-click/{id}: one take of a storyboard, a narration or a bgm. */
export interface SubRecord {
  id: string;
  type: string;
  prompt: string;
  creation_url: string;
  state: ViduTaskState;
  err_code: string;
  [extra: string]: unknown;
}

/** Vidu spells the field `stroyboard_id`; the client normalises it to `storyboard_id`. */
export interface Storyboard {
  storyboard_id: number;
  records: SubRecord[];
}

export interface ComposeParams {
  video_task_ids: string[];
  bgm_task_id: string;
  narration_task_id: string;
}

export interface ComposedRecord {
  id: string;
  state: ViduTaskState;
  err_code: string;
  creation_url: string;
  params: ComposeParams;
  [extra: string]: unknown;
}

/** GET /ent/v2/ad-one-click/{id} (client-normalised). */
export interface AdSubRecords {
  id: string;
  state: ViduTaskState;
  err_code: string;
  data_records: {
    storyboards: Storyboard[];
    narration_records: SubRecord[];
    bgm_records: SubRecord[];
    completed_creation_records: ComposedRecord[];
  };
}

/** POST /ent/v2/ad-one-click/edit */
export interface EditRequest {
  ad_one_click_task_id: string;
  type: EditType;
  /** Required when type is generate_video; 0-based. */
  storyboard_video_index?: number;
  prompt: string;
  callback_url?: string;
  payload?: string;
}

export interface EditResponse {
  ad_one_click_task_id: string;
  sub_task_id: string;
  state: ViduTaskState;
  err_code?: string;
  credits: number;
  [extra: string]: unknown;
}

/** POST /ent/v2/ad-one-click/compose */
export interface ComposeRequest {
  ad_one_click_task_id: string;
  video_task_ids: string[];
  bgm_task_id: string;
  narration_task_id: string;
  callback_url?: string;
  payload?: string;
}

export interface ComposeResponse {
  ad_one_click_task_id: string;
  compose_sub_task_id: string;
  state: ViduTaskState;
  credits: number;
  [extra: string]: unknown;
}

/**
 * GET /ent/v2/credits. Vidu documents the meaning (remaining credits and the
 * concurrency figures) but not the exact JSON; this is the shape our
 * simulator answers, and the client parses it leniently.
 */
export interface CreditsResponse {
  remains: Array<{ type: string; credit_remain: number; [extra: string]: unknown }>;
  concurrency_limit: number;
  current_concurrency: number;
  queue_count: number;
  [extra: string]: unknown;
}

/** Vidu's error body, parsed leniently (docs/vidu-api.md, "Errors": code from `reason`, else string `code`, else HTTP status). */
export interface ViduErrorBody {
  code?: number | string;
  reason?: string;
  message?: string;
  metadata?: { trace_id?: string; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** The API paths, relative to the base URL. */
export const VIDU_PATHS = {
  createAd: '/ent/v2/ad-one-click',
  creations: (taskId: string) => `/ent/v2/tasks/${encodeURIComponent(taskId)}/creations`,
  adSubRecords: (taskId: string) => `/ent/v2/ad-one-click/${encodeURIComponent(taskId)}`,
  edit: '/ent/v2/ad-one-click/edit',
  compose: '/ent/v2/ad-one-click/compose',
  cancel: (taskId: string) => `/ent/v2/tasks/${encodeURIComponent(taskId)}/cancel`,
  credits: '/ent/v2/credits',
} as const;
