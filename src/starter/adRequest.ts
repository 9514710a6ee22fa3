// Checks the parts of an ad request that are ours rather than Vidu's (the ad
// id, which fields may be given at all, and the ad's options); Vidu's own rules
// (images, prompt, duration, aspect ratio, language) are checked by the Vidu
// client's validator. The options' rules are the workflow's own
// (adOptionIssues in src/workflows/shared/inputRules.ts), so a value the starter
// accepts is one the workflow accepts, in the same words.
import { adOptionIssues, BOUNDED_FIELDS, isObject } from '../workflows/shared/inputRules';
import type { AdFilmInput } from '../workflows/ad/contract';
import type { InputIssue } from './errors';

export { BOUNDED_FIELDS };

/**
 * What a caller passes to `startAd`: the workflow input, except that images may
 * also be data: URIs (and, where allowed, local file paths). Those are put in
 * the artifact store and replaced by `stored:` references before the start.
 * `resumeFromTaskId` and `continued` are not the caller's: `retryAd` and the
 * workflow set them.
 */
export type StartAdRequest = Omit<AdFilmInput, 'resumeFromTaskId' | 'continued' | 'startedBy'>;

export const AD_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
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
  ['campaign', 'is set only by a campaign for its own ads; leave it unset'],
  ['startedBy', "is set by the starter from its `by` option (the API: the key's name); leave it unset"],
]);
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
  issues.push(...adOptionIssues(request));
  return issues;
}
