// The one set of rules for an ad's input: the bounds of its numbers, strings
// and lists, and the checks of its options (review, edits, polling, limits,
// notifyUrl, maxCredits). The starter (src/starter/adRequest.ts), the HTTP API
// (which runs the starter's check), the campaign brief's `ads`
// (src/workflows/campaign/variants.ts) and the workflow itself all call these,
// so a value one door accepts is one every door accepts, in the same words.
// Plain checks, no schema library: this runs in the sandbox. This file holds
// the input as a whole (and the older rules recorded runs replay); the bounds
// are in ./inputBounds.ts and the options, field by field, in ./optionRules.ts,
// both re-exported here so every door imports the rules from one place.
import { CAMPAIGN_WORKFLOW_ID } from '../campaign/contract';
import { BY_MAX_CHARS as STARTED_BY_MAX_CHARS } from '../ad/contract';
import { INPUT_LIMITS, OPTIONAL_DURATIONS, imagesProblem, isObject, maxCreditsProblem, notifyUrlProblem, rangeRule, wholeIn } from './inputBounds';
import { AD_PROMPT_MAX_CHARS, adOptionIssues } from './optionRules';

export * from './inputBounds';
export * from './optionRules';

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
