// Checks the parts of an ad request that are ours rather than Vidu's (the ad
// id, edits, review, limits); Vidu's own rules (images, prompt, duration,
// aspect ratio, language) are checked by the Vidu client's validator.
import { EDIT_PROMPT_MAX_CHARS, type AdFilmInput } from '../workflows/messages';
import type { InputIssue } from './errors';

/**
 * What a caller passes to `startAd`: the workflow input, except that images may
 * also be data: URIs (and, where allowed, local file paths). Those are put in
 * the artifact store and replaced by `stored:` references before the start.
 */
export type StartAdRequest = AdFilmInput;

export const AD_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const REVIEW_OUTCOMES = ['compose-selected', 'keep-first-video', 'fail'];
const EDIT_KINDS = ['video', 'narration', 'bgm'];
const KNOWN_FIELDS = new Set(['adId', 'images', 'prompt', 'duration', 'aspectRatio', 'language', 'edits', 'review', 'maxEdits', 'taskDeadlineMs', 'polling']);
const DAY_MS = 86_400_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isWholeNumber(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
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
  }
}

function checkReview(review: unknown, issues: InputIssue[]): void {
  if (!isObject(review)) {
    issues.push({ field: 'review', rule: 'must be an object with enabled, windowMs and onTimeout' });
    return;
  }
  if (typeof review.enabled !== 'boolean') issues.push({ field: 'review.enabled', rule: 'must be true or false' });
  if (!isWholeNumber(review.windowMs, 1_000, 30 * DAY_MS)) issues.push({ field: 'review.windowMs', rule: 'must be a whole number of milliseconds from 1000 to 30 days' });
  if (!REVIEW_OUTCOMES.includes(review.onTimeout as string)) issues.push({ field: 'review.onTimeout', rule: `must be one of ${REVIEW_OUTCOMES.join(', ')}` });
}

/** The issues with the non-Vidu fields of a request; empty when they are fine. */
export function adRequestIssues(request: unknown): InputIssue[] {
  if (!isObject(request)) return [{ field: '(request)', rule: 'must be an object' }];
  const issues: InputIssue[] = [];
  for (const key of Object.keys(request)) {
    // An empty or blank key would make an issue that names nothing: quoted, it is visible.
    if (!KNOWN_FIELDS.has(key)) issues.push({ field: key.trim() === '' ? JSON.stringify(key) : key, rule: 'is not a field of an ad request' });
  }
  if (typeof request.adId !== 'string' || !AD_ID_PATTERN.test(request.adId)) {
    issues.push({ field: 'adId', rule: 'is required: 1-128 letters, digits, ".", "_" or "-"' });
  }
  if (request.edits !== undefined) checkEdits(request.edits, issues);
  if (request.review !== undefined) checkReview(request.review, issues);
  if (request.maxEdits !== undefined && !isWholeNumber(request.maxEdits, 0, 100)) {
    issues.push({ field: 'maxEdits', rule: 'must be a whole number from 0 to 100' });
  }
  if (request.taskDeadlineMs !== undefined && !isWholeNumber(request.taskDeadlineMs, 10_000, 7 * DAY_MS)) {
    issues.push({ field: 'taskDeadlineMs', rule: 'must be a whole number of milliseconds from 10000 to 7 days' });
  }
  if (request.polling !== undefined) {
    const polling = request.polling;
    if (!isObject(polling) || !isWholeNumber(polling.initialMs, 100, DAY_MS) || !isWholeNumber(polling.maxMs, 100, DAY_MS)) {
      issues.push({ field: 'polling', rule: 'must be { initialMs, maxMs }, whole numbers of milliseconds from 100 to one day' });
    } else if ((polling.maxMs as number) < (polling.initialMs as number)) {
      issues.push({ field: 'polling.maxMs', rule: 'must not be less than polling.initialMs' });
    }
  }
  return issues;
}
