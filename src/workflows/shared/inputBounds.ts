// The bounds of an ad's input: its durations and limits (min, max, default),
// and the rules of the values every door checks alike (notifyUrl, maxCredits,
// images). Plain checks, no schema library: this runs in the sandbox.
import { adStartCredits, DEFAULT_AD_SECONDS } from './prices';

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

export function wholeIn(value: unknown, limit: Limit): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= limit.min && value <= limit.max;
}

export function rangeRule(field: string, limit: Limit): string {
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

export const OPTIONAL_DURATIONS = ['taskDeadlineMs', 'queueDeadlineMs', 'outageBudgetMs', 'createAdoptWindowMs', 'heartbeatTimeoutMs', 'continueAsNewAfterEvents'] as const;

/** An image URL is no longer than a notifyUrl; a stored: reference is a short key. */
export const IMAGE_URL_MAX_CHARS = NOTIFY_URL_MAX_CHARS;
export const STORED_REF_MAX_CHARS = 512;

/** The rule one image of workflow input breaks, if any (without its field). */
export function imageRefProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || !/^(https?:\/\/|stored:)/.test(image)) {
    return 'each must be an http(s) URL or a stored: reference (base64 never travels in workflow input)';
  }
  if (/^stored:/.test(image) && image.length > STORED_REF_MAX_CHARS) return `a stored: reference must be at most ${STORED_REF_MAX_CHARS} characters (got ${image.length})`;
  if (image.length > IMAGE_URL_MAX_CHARS) return `an image URL must be at most ${IMAGE_URL_MAX_CHARS} characters, as a notifyUrl (got ${image.length})`;
  return undefined;
}

/**
 * The rule a list of images in workflow input breaks, if any, as "<field>: rule".
 * `bounded: false` is the rule before images had a length bound, kept for runs that started under it.
 */
export function imagesProblem(field: string, images: unknown, bounded = true): string | undefined {
  if (!Array.isArray(images) || images.length < 1 || images.length > 7) return `${field}: must hold 1 to 7 images`;
  for (const [i, image] of images.entries()) {
    const problem = imageRefProblem(image);
    if (!bounded && !problem?.startsWith('each')) continue;
    // The first rule keeps its old words (as earlier histories recorded them); a bound names its image.
    if (problem?.startsWith('each')) return `${field}: ${problem}`;
    if (problem) return `${field}[${i}]: ${problem}`;
  }
  return undefined;
}

/** The value of an optional duration, or its default. */
export function limitOrDefault(value: number | undefined, limit: { fallback: number }): number {
  return value ?? limit.fallback;
}
