// The campaign workflow's public surface: one brief, many ads. A campaign
// runs each variant of a brief (aspect ratio x language x duration) as a child
// ad workflow, at most K of them at Vidu at once, in a stable order with
// priorities. Clients and tests import these definitions.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AspectRatio, Language } from '../../vidu/apiTypes';
import type { AdFilmInput, AdStage, EditKind, OperatorRequest } from '../ad/contract';

export const CAMPAIGN_WORKFLOW_TYPE = 'campaignWorkflow';

/** One workflow per caller-chosen campaign id. */
export function workflowIdForCampaign(campaignId: string): string {
  return `campaign-${campaignId}`;
}

/** What a campaign's workflow id looks like (an ad reports only to such an id). */
export const CAMPAIGN_WORKFLOW_ID = /^campaign-[\w.-]{1,64}$/;

/** The variants as a matrix: every combination of the listed values is one ad. */
export interface VariantMatrix {
  aspectRatios: AspectRatio[];
  languages: Language[];
  /** Seconds, 10-60 each. */
  durations: number[];
}

/** What the ads of a campaign share, passed to each child ad as is. */
export type CampaignAdOptions = Pick<AdFilmInput, 'review' | 'maxEdits' | 'maxCredits' | 'polling' | 'taskDeadlineMs' | 'queueDeadlineMs' | 'outageBudgetMs' | 'notifyUrl'>;

export interface CampaignInput {
  /** Caller-chosen id: 1-64 letters, digits, "-", "_" or "."; each ad's id is `<campaignId>.<variant key>`. */
  campaignId: string;
  /** 1-7 product images (http(s) URLs or stored: references), shared by every variant; or `products`. */
  images?: string[];
  /** The prompt of every variant without its own. */
  prompt?: string;
  /** Several products, each made in every variant of the matrix (instead of `images`). */
  products?: CampaignProduct[];
  variants: VariantMatrix;
  /** A prompt per variant key ("16x9-en-15s"), e.g. a Chinese prompt for the zh variants; wins over the product's. */
  variantPrompts?: Record<string, string>;
  /** A priority per variant key (default 0): higher starts first; equal ones keep the matrix order. */
  priorities?: Record<string, number>;
  /**
   * The most credits the whole campaign may spend. Each ad gets an allotment of
   * it (`ads.maxCredits`, default: its create and one compose) before it starts;
   * a variant whose allotment does not fit waits for running ads to free theirs,
   * and is skipped once none can.
   */
  budgetCredits?: number;
  /** Most ads at Vidu at once (creating, generating, editing, composing); default: the account's concurrency limit. */
  maxConcurrent?: number;
  ads?: CampaignAdOptions;
  /** The run continues as new once its history holds this many events. Default 4,000. */
  continueAsNewAfterEvents?: number;
  /**
   * Who started the campaign (its status and each of its ads' statuses show it): the API key's
   * name or the starter's `by` option. Set by the starter, not by callers.
   */
  startedBy?: string;
  /** Set only by the workflow itself when it continues as new. */
  continued?: CampaignContinuation;
}

export interface CampaignProduct {
  /** 1-32 letters, digits, "-" or "_"; part of each of its ads' ids. */
  productId: string;
  images: string[];
  /** This product's prompt (default: the campaign's). */
  prompt?: string;
}

export type VariantState = 'waiting' | 'started' | 'skipped';

export interface CampaignVariantStatus {
  /** "16x9-en-15s", or "<productId>-16x9-en-15s" in a campaign of several products. */
  key: string;
  productId?: string;
  adId: string;
  aspectRatio: AspectRatio;
  language: Language;
  duration: number;
  priority: number;
  state: VariantState;
  /** The ad's stage as it last reported it. */
  stage?: AdStage;
  progress: number;
  creditsSpent: number;
  /** Held by the ad's budget for requests not yet final, as it last reported. */
  creditsReserved?: number;
  error?: string;
}

export type CampaignStage = 'running' | 'done' | 'cancelled';

export interface CampaignStatus {
  campaignId: string;
  stage: CampaignStage;
  total: number;
  /** How many ads are in each stage; `waiting` counts variants not started yet. */
  byStage: Partial<Record<AdStage | 'waiting' | 'skipped', number>>;
  /** 0-100 over all variants (finished ones count 100, waiting ones 0). */
  progress: number;
  creditsSpent: number;
  /** With `budgetCredits`: the allotments reserved for running ads, what ended ads spent, the limit. */
  budget?: { limit?: number; reserved: number; spent: number; estimated: number; overrun: number };
  maxConcurrent?: number;
  atVidu: number;
  run: number;
  variants: CampaignVariantStatus[];
  /** Campaign-level requests and how many ads each reached. */
  requests: CampaignRequestRecord[];
  /** Who started the campaign (absent for campaigns started by older clients). */
  startedBy?: string;
}

export interface CampaignRequestRecord {
  requestId: string;
  kind: 'approve' | 'cancel' | 'edit';
  adIds: string[];
  /** Who sent it (passed on to each ad's request); absent when the sender named no one. */
  by?: string;
}

/** What a run hands the next when it continues as new; the ledger is the workflow's own (opaque here). */
export interface CampaignContinuation<Ledger = unknown> {
  run: number;
  ledger?: Ledger;
  variants: CampaignVariantStatus[];
  maxConcurrent: number;
  cancelled?: string;
  requests: CampaignRequestRecord[];
}

export interface CampaignResult {
  campaignId: string;
  stage: CampaignStage;
  byStage: CampaignStatus['byStage'];
  creditsSpent: number;
  adIds: string[];
}

/** What each child ad tells its campaign when its stage changes. */
export interface CampaignAdReport {
  adId: string;
  stage: AdStage;
  progress: number;
  creditsSpent: number;
  creditsReserved?: number;
  error?: string;
}

export interface CampaignEditInput extends OperatorRequest {
  kind: EditKind;
  storyboardIndex?: number;
  prompt: string;
  /** Only these variant keys (default: every ad in review). */
  variantKeys?: string[];
}

export interface CampaignCancelInput extends OperatorRequest {
  reason?: string;
}

export interface CampaignRequestAccepted {
  requestId: string;
  /** The ads the request went to. */
  adIds: string[];
}

export const campaignAdReportSignal = defineSignal<[CampaignAdReport]>('campaignAdReport');
export const campaignApproveUpdate = defineUpdate<CampaignRequestAccepted, [OperatorRequest]>('approveAll');
export const campaignEditUpdate = defineUpdate<CampaignRequestAccepted, [CampaignEditInput]>('editAll');
export const campaignCancelUpdate = defineUpdate<CampaignRequestAccepted, [CampaignCancelInput]>('cancelAll');
export const campaignStatusQuery = defineQuery<CampaignStatus>('campaignStatus');
