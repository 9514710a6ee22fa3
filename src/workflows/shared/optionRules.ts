// The ad's options, field by field, as { field, rule } issues: the one check
// the starter, the API, a campaign's `ads` and the workflow share.

import { DEFAULT_MAX_EDITS, EDIT_PROMPT_MAX_CHARS, REQUEST_ID_PATTERN } from '../ad/contract';
import { INPUT_LIMITS, isObject, maxCreditsProblem, notifyUrlProblem } from './inputBounds';

/** One broken rule: the field as the caller spelled it (`edits[0].prompt`, `ads.polling.maxMs`) and the rule. */
export interface RuleIssue {
  field: string;
  rule: string;
}

export const REVIEW_TIMEOUT_OUTCOMES = ['compose-selected', 'keep-first-video', 'fail'] as const;
export const EDIT_KINDS = ['video', 'narration', 'bgm'] as const;
/** The most edits an ad may be given (`maxEdits`), and so the longest list of input edits. */
export const MAX_MAX_EDITS = 100;
/** The longest ad prompt, as Vidu's (a text the workflow carries into every continue-as-new). */
export const AD_PROMPT_MAX_CHARS = 2_000;
export const REQUEST_ID_RULE = 'must be 1-128 letters, digits, "-", "_", "." or ":"';
/** The optional whole-number fields bounded by INPUT_LIMITS under the same name. */
export const BOUNDED_FIELDS = ['taskDeadlineMs', 'queueDeadlineMs', 'outageBudgetMs', 'createAdoptWindowMs', 'heartbeatTimeoutMs', 'continueAsNewAfterEvents'] as const;
const EDIT_FIELDS = new Set(['requestId', 'kind', 'storyboardIndex', 'prompt']);
const REVIEW_FIELDS = new Set(['enabled', 'windowMs', 'onTimeout']);
const POLLING_FIELDS = new Set(['initialMs', 'maxMs']);

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
export function shown(value: unknown): string {
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

/** The keys of a closed object that are not its fields, named (quoted, so a blank key is visible) under the object's own field. */
function unknownKeys(value: Record<string, unknown>, known: Set<string>, at: string, what: string, issues: RuleIssue[]): void {
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length === 0) return;
  const named = unknown.slice(0, 5).map((key) => shown(key)).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
  issues.push({ field: at, rule: `has ${unknown.length === 1 ? 'a field' : 'fields'} ${what} does not take: ${named} (it takes ${[...known].join(', ')})` });
}

/** Checks one bounded field; `isCount` for numbers that are not durations. */
function checkBounded(value: unknown, field: string, limit: { min: number; max: number }, issues: RuleIssue[], isCount = false): void {
  if (value === undefined || isWholeNumber(value, limit.min, limit.max)) return;
  const range = isCount ? `from ${limit.min} to ${limit.max}` : `of milliseconds from ${readableMs(limit.min)} to ${readableMs(limit.max)}`;
  issues.push({ field, rule: `must be a whole number ${range} (got ${shown(value)})` });
}

/**
 * The rule an edit's prompt breaks, if any (without its field). Its length is counted in
 * UTF-16 units, as JavaScript's `length` and zod's max() count: never more than Vidu's count
 * of characters, so a prompt this accepts Vidu accepts.
 */
export function editPromptProblem(prompt: unknown): string | undefined {
  if (typeof prompt !== 'string' || prompt.trim() === '') return 'must not be empty';
  if (prompt.length > EDIT_PROMPT_MAX_CHARS) return `must be at most ${EDIT_PROMPT_MAX_CHARS} characters (got ${prompt.length})`;
  return undefined;
}

/** A take id is a Vidu task id or a made-up one; a cancel's reason is a sentence. */
export const TAKE_ID_MAX_CHARS = 200;
export const CANCEL_REASON_MAX_CHARS = 500;

/** The rule a cancel's `reason` breaks, if any (without its field). */
export function cancelReasonProblem(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return typeof reason === 'string' && reason.length <= CANCEL_REASON_MAX_CHARS ? undefined : `must be a text of at most ${CANCEL_REASON_MAX_CHARS} characters`;
}

/** The rule a request id breaks, if any (without its field). */
export function requestIdProblem(requestId: unknown): string | undefined {
  return requestId === undefined || (typeof requestId === 'string' && REQUEST_ID_PATTERN.test(requestId)) ? undefined : REQUEST_ID_RULE;
}

function checkEdits(edits: unknown, maxEdits: number, at: string, issues: RuleIssue[]): void {
  if (!Array.isArray(edits)) {
    issues.push({ field: at, rule: 'must be an array of edit requests' });
    return;
  }
  if (edits.length > MAX_MAX_EDITS) {
    // Checked before each edit: a list of thousands gets one issue, not thousands.
    issues.push({ field: at, rule: `must hold at most ${MAX_MAX_EDITS} edits (got ${edits.length})` });
    return;
  }
  if (edits.length > maxEdits) issues.push({ field: at, rule: `must hold at most ${maxEdits} edits, the ad's maxEdits (got ${edits.length})` });
  for (const [i, edit] of (edits as unknown[]).entries()) {
    const field = `${at}[${i}]`;
    if (!isObject(edit)) {
      issues.push({ field, rule: 'must be an object with kind and prompt' });
      continue;
    }
    unknownKeys(edit, EDIT_FIELDS, field, 'an edit', issues);
    if (!EDIT_KINDS.includes(edit.kind as (typeof EDIT_KINDS)[number])) issues.push({ field: `${field}.kind`, rule: `must be one of ${EDIT_KINDS.join(', ')}` });
    if (edit.kind === 'video' && !isWholeNumber(edit.storyboardIndex, 0, 1000)) {
      issues.push({ field: `${field}.storyboardIndex`, rule: 'is required for a video edit: a storyboard index from 0' });
    }
    if (edit.kind !== 'video' && edit.storyboardIndex !== undefined) {
      issues.push({ field: `${field}.storyboardIndex`, rule: 'is only allowed for a video edit' });
    }
    const promptProblem = editPromptProblem(edit.prompt);
    if (promptProblem) issues.push({ field: `${field}.prompt`, rule: `${promptProblem}: a non-empty text of at most ${EDIT_PROMPT_MAX_CHARS} characters` });
    const idProblem = requestIdProblem(edit.requestId);
    if (idProblem) issues.push({ field: `${field}.requestId`, rule: idProblem });
  }
}

function checkReview(review: unknown, at: string, issues: RuleIssue[]): void {
  if (!isObject(review)) {
    issues.push({ field: at, rule: 'must be an object with enabled, windowMs and onTimeout' });
    return;
  }
  unknownKeys(review, REVIEW_FIELDS, at, 'review', issues);
  if (typeof review.enabled !== 'boolean') issues.push({ field: `${at}.enabled`, rule: 'must be true or false' });
  if (review.windowMs === undefined) issues.push({ field: `${at}.windowMs`, rule: 'is required: how long the review may take, in milliseconds' });
  else checkBounded(review.windowMs, `${at}.windowMs`, INPUT_LIMITS.reviewWindowMs, issues);
  if (!REVIEW_TIMEOUT_OUTCOMES.includes(review.onTimeout as (typeof REVIEW_TIMEOUT_OUTCOMES)[number])) {
    issues.push({ field: `${at}.onTimeout`, rule: `must be one of ${REVIEW_TIMEOUT_OUTCOMES.join(', ')}` });
  }
}

function checkPolling(polling: unknown, at: string, issues: RuleIssue[]): void {
  if (!isObject(polling)) {
    issues.push({ field: at, rule: 'must be { initialMs, maxMs }: when to check first and the longest gap between checks' });
    return;
  }
  unknownKeys(polling, POLLING_FIELDS, at, 'polling', issues);
  const before = issues.length;
  for (const [key, limit] of [['initialMs', INPUT_LIMITS.pollingInitialMs], ['maxMs', INPUT_LIMITS.pollingMaxMs]] as const) {
    if (polling[key] === undefined) issues.push({ field: `${at}.${key}`, rule: 'is required when polling is given' });
    else checkBounded(polling[key], `${at}.${key}`, limit, issues);
  }
  if (issues.length === before && (polling.maxMs as number) < (polling.initialMs as number)) {
    issues.push({ field: `${at}.maxMs`, rule: `must not be less than polling.initialMs (${String(polling.initialMs)})` });
  }
}

/**
 * The issues with the ad's options in `options` (an ad request, workflow input or a campaign's
 * `ads`): review, edits, maxEdits, maxCredits, the bounded durations, polling and notifyUrl. Fields are named under `prefix` ("ads." for a campaign). Which keys may be given at all
 * is the caller's to check (an ad request and a campaign's `ads` allow different ones).
 */
export function adOptionIssues(options: Record<string, unknown>, prefix = ''): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const maxEditsOk = options.maxEdits === undefined || isWholeNumber(options.maxEdits, 0, MAX_MAX_EDITS);
  if (!maxEditsOk) issues.push({ field: `${prefix}maxEdits`, rule: `must be a whole number from 0 to ${MAX_MAX_EDITS}` });
  if (options.edits !== undefined) checkEdits(options.edits, maxEditsOk ? ((options.maxEdits as number | undefined) ?? DEFAULT_MAX_EDITS) : MAX_MAX_EDITS, `${prefix}edits`, issues);
  if (options.review !== undefined) checkReview(options.review, `${prefix}review`, issues);
  const creditsProblem = maxCreditsProblem(options.maxCredits, options.duration);
  if (creditsProblem) issues.push({ field: `${prefix}maxCredits`, rule: creditsProblem.slice('maxCredits: '.length) });
  for (const field of BOUNDED_FIELDS) checkBounded(options[field], `${prefix}${field}`, INPUT_LIMITS[field], issues, field === 'continueAsNewAfterEvents');
  if (options.polling !== undefined) checkPolling(options.polling, `${prefix}polling`, issues);
  const notifyProblem = notifyUrlProblem(options.notifyUrl);
  if (notifyProblem) issues.push({ field: `${prefix}notifyUrl`, rule: notifyProblem.slice('notifyUrl: '.length) });
  return issues;
}
