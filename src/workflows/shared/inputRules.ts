// The one set of rules for an ad's input: the bounds of its numbers, strings
// and lists, and the checks of its options (review, edits, polling, limits,
// notifyUrl, maxCredits). The starter (src/starter/adRequest.ts), the HTTP API
// (which runs the starter's check), the campaign brief's `ads`
// (src/workflows/campaign/variants.ts) and the workflow itself all call these,
// so a value one door accepts is one every door accepts, in the same words.
// Plain checks, no schema library: this runs in the sandbox.
import { adStartCredits, DEFAULT_AD_SECONDS } from './prices';

import { CAMPAIGN_WORKFLOW_ID } from '../campaign/contract';
import { BY_MAX_CHARS as STARTED_BY_MAX_CHARS, DEFAULT_MAX_EDITS, EDIT_PROMPT_MAX_CHARS, REQUEST_ID_PATTERN } from '../ad/contract';

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

/**
 * The patch under which a run checks its input by the shared rules, and honours `continued` only
 * when it was continued as new; runs started before it keep the old checks when they replay.
 */
export const INPUT_RULES_PATCH = 'input-rules';

/** Why a run must not take the `continued` its input carries: only a run continued as new may. */
export function continuedProblem(continued: unknown, continuedFromRunId: string | undefined): string | undefined {
  if (continued === undefined || continuedFromRunId !== undefined) return undefined;
  return 'continued: is set only by the workflow when it continues as new; a run started with it is refused';
}

/** Which rules a run checks its input by: runs started before the shared rules keep theirs on replay. */
export type InputRulesVersion = 'shared' | 'before-shared';

const AD_ID = /^[\w.-]{1,128}$/;

/** Every rule the input breaks, each as "field: rule"; empty when it may run. */
export function adInputProblems(input: unknown, version: InputRulesVersion = 'shared'): string[] {
  if (version === 'before-shared') return adInputProblemsBeforeRules(input);
  if (!isObject(input)) return ['input: must be an object'];
  const problems: string[] = [];
  const adId = input.adId;
  if (typeof adId !== 'string' || !AD_ID.test(adId) || /^\.+$/.test(adId)) {
    problems.push('adId: must be 1-128 letters, digits, "-", "_" or "." (and not only dots)');
  }
  const imagesRule = imagesProblem('images', input.images);
  if (imagesRule) problems.push(imagesRule);
  const prompt = input.prompt;
  if (prompt !== undefined && (typeof prompt !== 'string' || [...prompt].length > AD_PROMPT_MAX_CHARS)) {
    problems.push(`prompt: must be a text of at most ${AD_PROMPT_MAX_CHARS} characters`);
  }
  problems.push(...setByOthersProblems(input));
  if (input.startedBy !== undefined && (typeof input.startedBy !== 'string' || input.startedBy.length > STARTED_BY_MAX_CHARS)) {
    problems.push(`startedBy: must be a text of at most ${STARTED_BY_MAX_CHARS} characters`);
  }
  problems.push(...adOptionIssues(input).map((issue) => `${issue.field}: ${issue.rule}`));
  return problems;
}

/** The fields retryAd and campaigns set (`resumeFromTaskId`, `campaign`), as both versions of the rules check them. */
function setByOthersProblems(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const resume = input.resumeFromTaskId;
  if (resume !== undefined && (typeof resume !== 'string' || !/^[\w-]{1,64}$/.test(resume))) {
    problems.push('resumeFromTaskId: must be a Vidu task id (1-64 letters, digits, "-" or "_")');
  }
  const campaign = input.campaign;
  if (campaign !== undefined && (!isObject(campaign) || typeof campaign.workflowId !== 'string' || !CAMPAIGN_WORKFLOW_ID.test(campaign.workflowId))) {
    problems.push('campaign.workflowId: must name a campaign workflow ("campaign-<campaignId>"); set by campaigns, not by callers');
  }
  return problems;
}

/** The rules before they were shared (kept for runs that started under them, which replay them). */
function adInputProblemsBeforeRules(input: unknown): string[] {
  if (!isObject(input)) return ['input: must be an object'];
  const problems: string[] = [];
  const adId = input.adId;
  if (typeof adId !== 'string' || !/^[\w.-]{1,128}$/.test(adId) || /^\.+$/.test(adId)) {
    problems.push('adId: must be 1-128 letters, digits, "-", "_" or "." (and not only dots)');
  }
  const imagesRule = imagesProblem('images', input.images, false);
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
  problems.push(...setByOthersProblems(input));
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

// ---------------------------------------------------------------------------
// The ad's options, field by field, as { field, rule } issues: the one check
// the starter, the API, a campaign's `ads` and the workflow share.

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
