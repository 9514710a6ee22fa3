// Checks the parts of an ad request that are ours rather than Vidu's (the ad
// id, edits, review, limits); Vidu's own rules (images, prompt, duration,
// aspect ratio, language) are checked by the Vidu client's validator. The
// bounds of the durations are the workflow's own (INPUT_LIMITS), so a value
// the starter accepts is one the workflow accepts.
import { INPUT_LIMITS, maxCreditsProblem, notifyUrlProblem } from '../workflows/inputRules';
import { EDIT_PROMPT_MAX_CHARS, REQUEST_ID_PATTERN, type AdFilmInput } from '../workflows/messages';
import type { InputIssue } from './errors';
import { REQUEST_ID_RULE } from './requestIds';

/**
 * What a caller passes to `startAd`: the workflow input, except that images may
 * also be data: URIs (and, where allowed, local file paths). Those are put in
 * the artifact store and replaced by `stored:` references before the start.
 * `resumeFromTaskId` and `continued` are not the caller's: `retryAd` and the
 * workflow set them.
 */
export type StartAdRequest = Omit<AdFilmInput, 'resumeFromTaskId' | 'continued' | 'startedBy'>;

export const AD_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const REVIEW_OUTCOMES = ['compose-selected', 'keep-first-video', 'fail'];
const EDIT_KINDS = ['video', 'narration', 'bgm'];
const KNOWN_FIELDS = new Set([
  'adId',
  'images',
  'prompt',
  'duration',
  'aspectRatio',
  'language',
  'edits',
  'review',
  'maxEdits',
  'maxCredits',
  'taskDeadlineMs',
  'queueDeadlineMs',
  'outageBudgetMs',
  'createAdoptWindowMs',
  'heartbeatTimeoutMs',
  'polling',
  'continueAsNewAfterEvents',
  'notifyUrl',
]);
/**
 * Input fields that exist but are set by others; a caller who sets one hears whose they are.
 * A Map, not an object literal: a key such as "toString" must not find Object.prototype's.
 */
const NOT_THE_CALLERS = new Map<string, string>([
  ['resumeFromTaskId', 'is set only by retryAd, which resumes a failed ad from its Vidu task; start a new ad without it'],
  ['continued', 'is set only by the workflow when it continues as new; leave it unset'],
  ['startedBy', "is set by the starter from its `by` option (the API: the key's name); leave it unset"],
]);
/** The optional whole-number fields bounded by INPUT_LIMITS under the same name. */
export const BOUNDED_FIELDS = ['taskDeadlineMs', 'queueDeadlineMs', 'outageBudgetMs', 'createAdoptWindowMs', 'heartbeatTimeoutMs', 'continueAsNewAfterEvents'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isWholeNumber(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** 90000 -> "90000 (1.5 min)": the number the caller writes, and what it means. */
function readableMs(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  const [size, unit] = units.find(([size]) => ms >= size) ?? [1, 'ms'];
  return `${ms} (${Number((ms / size).toFixed(2))} ${unit})`;
}

/**
 * The value a caller gave, for a message: short, and never throwing. JSON.stringify
 * throws on a BigInt (also inside an array or object) and on a cycle, and writes NaN
 * and Infinity as null; a request may hold any of them.
 */
function shown(value: unknown): string {
  const max = 60;
  let text: string;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) text = String(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'symbol' || typeof value === 'function') text = `a ${typeof value}`;
  else {
    try {
      text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      text = Array.isArray(value) ? 'an array' : Object.prototype.toString.call(value);
    }
  }
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 3).join('')}...` : text;
}

/** Checks one bounded field; `isCount` for numbers that are not durations. */
function checkBounded(value: unknown, field: string, limit: { min: number; max: number }, issues: InputIssue[], isCount = false): void {
  if (value === undefined || isWholeNumber(value, limit.min, limit.max)) return;
  const range = isCount ? `from ${limit.min} to ${limit.max}` : `of milliseconds from ${readableMs(limit.min)} to ${readableMs(limit.max)}`;
  issues.push({ field, rule: `must be a whole number ${range} (got ${shown(value)})` });
}

function checkEdits(edits: unknown, issues: InputIssue[]): void {
  if (!Array.isArray(edits)) {
    issues.push({ field: 'edits', rule: 'must be an array of edit requests' });
    return;
  }
  for (const [i, edit] of (edits as unknown[]).entries()) {
    const at = `edits[${i}]`;
    if (!isObject(edit)) {
      issues.push({ field: at, rule: 'must be an object with kind and prompt' });
      continue;
    }
    if (!EDIT_KINDS.includes(edit.kind as string)) issues.push({ field: `${at}.kind`, rule: `must be one of ${EDIT_KINDS.join(', ')}` });
    if (edit.kind === 'video' && !isWholeNumber(edit.storyboardIndex, 0, 1000)) {
      issues.push({ field: `${at}.storyboardIndex`, rule: 'is required for a video edit: a storyboard index from 0' });
    }
    if (edit.kind !== 'video' && edit.storyboardIndex !== undefined) {
      issues.push({ field: `${at}.storyboardIndex`, rule: 'is only allowed for a video edit' });
    }
    if (typeof edit.prompt !== 'string' || edit.prompt.trim() === '' || [...edit.prompt].length > EDIT_PROMPT_MAX_CHARS) {
      issues.push({ field: `${at}.prompt`, rule: `must be a non-empty text of at most ${EDIT_PROMPT_MAX_CHARS} characters` });
    }
    if (edit.requestId !== undefined && (typeof edit.requestId !== 'string' || !REQUEST_ID_PATTERN.test(edit.requestId))) {
      issues.push({ field: `${at}.requestId`, rule: REQUEST_ID_RULE });
    }
  }
}

function checkReview(review: unknown, issues: InputIssue[]): void {
  if (!isObject(review)) {
    issues.push({ field: 'review', rule: 'must be an object with enabled, windowMs and onTimeout' });
    return;
  }
  if (typeof review.enabled !== 'boolean') issues.push({ field: 'review.enabled', rule: 'must be true or false' });
  if (review.windowMs === undefined) issues.push({ field: 'review.windowMs', rule: 'is required: how long the review may take, in milliseconds' });
  else checkBounded(review.windowMs, 'review.windowMs', INPUT_LIMITS.reviewWindowMs, issues);
  if (!REVIEW_OUTCOMES.includes(review.onTimeout as string)) issues.push({ field: 'review.onTimeout', rule: `must be one of ${REVIEW_OUTCOMES.join(', ')}` });
}

function checkPolling(polling: unknown, issues: InputIssue[]): void {
  if (!isObject(polling)) {
    issues.push({ field: 'polling', rule: 'must be { initialMs, maxMs }: when to check first and the longest gap between checks' });
    return;
  }
  const before = issues.length;
  for (const [key, limit] of [['initialMs', INPUT_LIMITS.pollingInitialMs], ['maxMs', INPUT_LIMITS.pollingMaxMs]] as const) {
    if (polling[key] === undefined) issues.push({ field: `polling.${key}`, rule: 'is required when polling is given' });
    else checkBounded(polling[key], `polling.${key}`, limit, issues);
  }
  if (issues.length === before && (polling.maxMs as number) < (polling.initialMs as number)) {
    issues.push({ field: 'polling.maxMs', rule: `must not be less than polling.initialMs (${String(polling.initialMs)})` });
  }
}

/** The issues with the non-Vidu fields of a request; empty when they are fine. */
export function adRequestIssues(request: unknown): InputIssue[] {
  if (!isObject(request)) return [{ field: '(request)', rule: 'must be an object' }];
  const issues: InputIssue[] = [];
  for (const key of Object.keys(request)) {
    // An empty or blank key would make an issue that names nothing: quoted, it is visible.
    const whose = NOT_THE_CALLERS.get(key);
    if (whose !== undefined) issues.push({ field: key, rule: whose });
    else if (!KNOWN_FIELDS.has(key)) issues.push({ field: key.trim() === '' ? JSON.stringify(key) : key, rule: 'is not a field of an ad request' });
  }
  if (typeof request.adId !== 'string' || !AD_ID_PATTERN.test(request.adId) || /^\.+$/.test(request.adId)) {
    issues.push({ field: 'adId', rule: 'is required: 1-128 letters, digits, ".", "_" or "-" (and not only dots)' });
  }
  if (request.edits !== undefined) checkEdits(request.edits, issues);
  if (request.review !== undefined) checkReview(request.review, issues);
  if (request.maxEdits !== undefined && !isWholeNumber(request.maxEdits, 0, 100)) {
    issues.push({ field: 'maxEdits', rule: 'must be a whole number from 0 to 100' });
  }
  const creditsProblem = maxCreditsProblem(request.maxCredits, request.duration);
  if (creditsProblem) issues.push({ field: 'maxCredits', rule: creditsProblem.slice('maxCredits: '.length) });
  for (const field of BOUNDED_FIELDS) checkBounded(request[field], field, INPUT_LIMITS[field], issues, field === 'continueAsNewAfterEvents');
  if (request.polling !== undefined) checkPolling(request.polling, issues);
  const notifyProblem = notifyUrlProblem(request.notifyUrl);
  if (notifyProblem) issues.push({ field: 'notifyUrl', rule: notifyProblem.slice('notifyUrl: '.length) });
  return issues;
}
