// The bounds of the workflow input's numbers and the checks the workflow runs
// on its input before it spends anything. The starter checks the same bounds
// (src/starter/adRequest.ts) so callers hear about a bad value before a
// workflow exists; these checks are the last line for callers that start the
// workflow directly. Plain checks, no schema library: this runs in the sandbox.
import { adStartCredits, DEFAULT_AD_SECONDS } from './budget/prices';

import { CAMPAIGN_WORKFLOW_ID } from './campaignMessages';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** [min, max, default] in milliseconds. */
export const INPUT_LIMITS = {
  taskDeadlineMs: { min: 5 * SECOND, max: DAY, fallback: 30 * 60 * SECOND },
  queueDeadlineMs: { min: 5 * SECOND, max: 7 * DAY, fallback: 6 * HOUR },
  outageBudgetMs: { min: 10 * SECOND, max: 7 * DAY, fallback: 6 * HOUR },
  createAdoptWindowMs: { min: SECOND, max: DAY, fallback: 2 * HOUR },
  heartbeatTimeoutMs: { min: 10 * SECOND, max: 10 * 60 * SECOND, fallback: 60 * SECOND },
  pollingInitialMs: { min: SECOND, max: HOUR, fallback: 10 * SECOND },
  pollingMaxMs: { min: SECOND, max: HOUR, fallback: 120 * SECOND },
  reviewWindowMs: { min: SECOND, max: 30 * DAY },
  continueAsNewAfterEvents: { min: 50, max: 40_000, fallback: 2_000 },
} as const;

type Limit = { min: number; max: number };

function wholeIn(value: unknown, limit: Limit): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= limit.min && value <= limit.max;
}

function rangeRule(field: string, limit: Limit): string {
  return `${field}: must be a whole number from ${limit.min} to ${limit.max}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const NOTIFY_URL_MAX_CHARS = 2_048;
export const NOTIFY_URL_RULE = `must be an absolute http(s) URL of at most ${NOTIFY_URL_MAX_CHARS} characters`;

/** The rule `notifyUrl` breaks, if any (the worker also refuses private hosts unless told otherwise). */
export function notifyUrlProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > NOTIFY_URL_MAX_CHARS || value !== value.trim()) return `notifyUrl: ${NOTIFY_URL_RULE}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `notifyUrl: ${NOTIFY_URL_RULE}`;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return `notifyUrl: ${NOTIFY_URL_RULE}`;
  if (url.username !== '' || url.password !== '') return 'notifyUrl: must not carry a user name or password (the signature authenticates the sender)';
  return undefined;
}

export const MAX_CREDITS_LIMIT = 100_000_000;

/**
 * The rule `maxCredits` breaks, if any, as "maxCredits: rule": a positive
 * whole number that at least pays for creating the ad and composing it once
 * (a smaller budget could never finish an ad).
 */
export function maxCreditsProblem(maxCredits: unknown, duration: unknown): string | undefined {
  if (maxCredits === undefined) return undefined;
  if (typeof maxCredits !== 'number' || !Number.isInteger(maxCredits) || maxCredits < 1 || maxCredits > MAX_CREDITS_LIMIT) {
    return `maxCredits: must be a positive whole number of credits, at most ${MAX_CREDITS_LIMIT} (got ${JSON.stringify(maxCredits)})`;
  }
  const seconds = typeof duration === 'number' && Number.isInteger(duration) && duration > 0 ? duration : DEFAULT_AD_SECONDS;
  const start = adStartCredits(seconds);
  if (maxCredits < start.total) {
    return `maxCredits: must be at least ${start.total}: creating a ${seconds} s ad costs about ${start.create} credits and composing it ${start.compose} (got ${maxCredits})`;
  }
  return undefined;
}

const OPTIONAL_DURATIONS = ['taskDeadlineMs', 'queueDeadlineMs', 'outageBudgetMs', 'createAdoptWindowMs', 'heartbeatTimeoutMs', 'continueAsNewAfterEvents'] as const;

/** The rule a list of images in workflow input breaks, if any, as "<field>: rule". */
export function imagesProblem(field: string, images: unknown): string | undefined {
  if (!Array.isArray(images) || images.length < 1 || images.length > 7) return `${field}: must hold 1 to 7 images`;
  if (images.some((i) => typeof i !== 'string' || !/^(https?:\/\/|stored:)/.test(i))) {
    return `${field}: each must be an http(s) URL or a stored: reference (base64 never travels in workflow input)`;
  }
  return undefined;
}

/** Every rule the input breaks, each as "field: rule"; empty when it may run. */
export function adInputProblems(input: unknown): string[] {
  if (!isObject(input)) return ['input: must be an object'];
  const problems: string[] = [];
  const adId = input.adId;
  if (typeof adId !== 'string' || !/^[\w.-]{1,128}$/.test(adId) || /^\.+$/.test(adId)) {
    problems.push('adId: must be 1-128 letters, digits, "-", "_" or "." (and not only dots)');
  }
  const imagesRule = imagesProblem('images', input.images);
  if (imagesRule) problems.push(imagesRule);
  const review = input.review;
  if (review !== undefined && (!isObject(review) || (review.enabled && !wholeIn(review.windowMs, INPUT_LIMITS.reviewWindowMs)))) {
    problems.push(rangeRule('review.windowMs', INPUT_LIMITS.reviewWindowMs));
  }
  for (const field of OPTIONAL_DURATIONS) {
    if (input[field] !== undefined && !wholeIn(input[field], INPUT_LIMITS[field])) problems.push(rangeRule(field, INPUT_LIMITS[field]));
  }
  const polling = input.polling;
  if (polling !== undefined) {
    if (!isObject(polling) || !wholeIn(polling.initialMs, INPUT_LIMITS.pollingInitialMs) || !wholeIn(polling.maxMs, INPUT_LIMITS.pollingMaxMs)) {
      problems.push(`polling: must be { initialMs, maxMs }, whole numbers of milliseconds from ${INPUT_LIMITS.pollingInitialMs.min} to ${INPUT_LIMITS.pollingInitialMs.max}`);
    } else if ((polling.maxMs as number) < (polling.initialMs as number)) {
      problems.push('polling.maxMs: must not be less than polling.initialMs');
    }
  }
  const resume = input.resumeFromTaskId;
  if (resume !== undefined && (typeof resume !== 'string' || !/^[\w-]{1,64}$/.test(resume))) {
    problems.push('resumeFromTaskId: must be a Vidu task id (1-64 letters, digits, "-" or "_")');
  }
  const campaign = input.campaign;
  if (campaign !== undefined && (!isObject(campaign) || typeof campaign.workflowId !== 'string' || !CAMPAIGN_WORKFLOW_ID.test(campaign.workflowId))) {
    problems.push('campaign.workflowId: must name a campaign workflow ("campaign-<campaignId>"); set by campaigns, not by callers');
  }
  const notifyProblem = notifyUrlProblem(input.notifyUrl);
  if (notifyProblem) problems.push(notifyProblem);
  const creditsProblem = maxCreditsProblem(input.maxCredits, input.duration);
  if (creditsProblem) problems.push(creditsProblem);
  return problems;
}

/** The value of an optional duration, or its default. */
export function limitOrDefault(value: number | undefined, limit: { fallback: number }): number {
  return value ?? limit.fallback;
}
