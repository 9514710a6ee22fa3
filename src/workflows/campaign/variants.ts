// A campaign's variants from its brief: the matrix expanded in a stable
// order (priority first, then aspect ratio, language, duration as listed),
// each with its key and its ad id, and the rules a brief must meet.
import type { AspectRatio, Language } from '../../vidu/apiTypes';
import { adStartCredits } from '../shared/prices';
import type { CampaignInput, CampaignVariantStatus } from './contract';
import { AD_PROMPT_MAX_CHARS, adOptionIssues, imagesProblem, MAX_CREDITS_LIMIT, maxCreditsProblem, type InputRulesVersion } from '../shared/inputRules';

const ASPECT_RATIOS: readonly AspectRatio[] = ['16:9', '9:16', '1:1'];
const LANGUAGES: readonly Language[] = ['zh', 'en'];
const DURATION = { min: 10, max: 60 };
/** Sized so that 3 x 2 x 51 durations cannot exceed it by accident, and a 500-variant campaign fits. */
export const MAX_VARIANTS = 1_000;
const CAMPAIGN_ID = /^[\w.-]{1,64}$/;
const PRODUCT_ID = /^[\w-]{1,32}$/;
const MAX_PRODUCTS = 100;


/** "16:9", "en", 15 -> "16x9-en-15s" (safe in an ad id), prefixed by the product's id when there are several. */
export function variantKey(aspectRatio: AspectRatio, language: Language, duration: number, productId?: string): string {
  const key = `${aspectRatio.replace(':', 'x')}-${language}-${duration}s`;
  return productId === undefined ? key : `${productId}-${key}`;
}

export function adIdForVariant(campaignId: string, key: string): string {
  return `${campaignId}.${key}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function listProblem<T>(field: string, value: unknown, allowed: (v: unknown) => v is T, rule: string): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return `${field}: must list at least one value`;
  if (!value.every(allowed)) return `${field}: ${rule}`;
  if (new Set(value).size !== value.length) return `${field}: must not list a value twice`;
  return undefined;
}

/**
 * The ad options a campaign may set for its ads (`ads`): a closed list. The rest of an ad's input
 * is the campaign's (images, prompt, variant), the workflow's (`continued`), retryAd's
 * (`resumeFromTaskId`) or left at its default.
 */
export const CAMPAIGN_AD_OPTIONS = ['review', 'maxEdits', 'maxCredits', 'polling', 'taskDeadlineMs', 'queueDeadlineMs', 'outageBudgetMs', 'notifyUrl'] as const;
const NOT_THE_CALLERS = new Map<string, string>([
  ['continued', 'is set only by an ad when it continues as new; a campaign never passes it'],
  ['resumeFromTaskId', 'is set only by retryAd for one failed ad; a campaign never passes it'],
  ['campaign', 'is set by the campaign itself for each of its ads'],
  ['startedBy', 'is whoever started the campaign; leave it unset'],
]);
const BRIEF_FIELDS = new Set(['campaignId', 'images', 'prompt', 'products', 'variants', 'variantPrompts', 'priorities', 'budgetCredits', 'maxConcurrent', 'ads', 'continueAsNewAfterEvents', 'startedBy', 'continued']);
const PRODUCT_FIELDS = new Set(['productId', 'images', 'prompt']);
const MATRIX_FIELDS = new Set(['aspectRatios', 'languages', 'durations']);

/** A key as a field name; a blank one quoted, so that the message names something visible. */
const keyName = (key: string): string => (key.trim() === '' ? JSON.stringify(key) : key);

function unknownFields(value: unknown, known: Set<string>, at: string): string[] {
  if (!isObject(value)) return [];
  return Object.keys(value)
    .filter((key) => !known.has(key))
    .map((key) => `${at}${keyName(key)}: is not a field of ${at === '' ? 'a campaign brief' : at.slice(0, -1)} (${[...known].filter((k) => k !== 'continued').join(', ')})`);
}

/**
 * The shared rules a brief meets beyond the older ones: closed objects, bounded texts and the ad
 * options' own rules. It reads no image, so the API runs it on a brief as it arrives.
 */
export function sharedRuleProblems(input: Record<string, unknown>): string[] {
  const problems = unknownFields(input, BRIEF_FIELDS, '');
  if (input.prompt !== undefined && (typeof input.prompt !== 'string' || [...input.prompt].length > AD_PROMPT_MAX_CHARS)) {
    problems.push(`prompt: must be a text of at most ${AD_PROMPT_MAX_CHARS} characters`);
  }
  if (Array.isArray(input.products)) input.products.forEach((product: unknown, i) => problems.push(...unknownFields(product, PRODUCT_FIELDS, `products[${i}].`)));
  problems.push(...unknownFields(input.variants, MATRIX_FIELDS, 'variants.'));
  const ads = input.ads;
  if (isObject(ads)) {
    for (const key of Object.keys(ads)) {
      const whose = NOT_THE_CALLERS.get(key);
      if (whose !== undefined) problems.push(`ads.${key}: ${whose}`);
      else if (!(CAMPAIGN_AD_OPTIONS as readonly string[]).includes(key)) problems.push(`ads.${keyName(key)}: is not an ad option a campaign may set (${CAMPAIGN_AD_OPTIONS.join(', ')})`);
    }
    // Only the options a campaign may set; maxCredits is checked against the longest variant by budgetProblems.
    const options = Object.fromEntries(Object.entries(ads).filter(([key]) => key !== 'maxCredits' && (CAMPAIGN_AD_OPTIONS as readonly string[]).includes(key)));
    problems.push(...adOptionIssues(options, 'ads.').map((issue) => `${issue.field}: ${issue.rule}`));
  }
  return problems;
}

/**
 * Every rule the brief breaks, each as "field: rule"; empty when it may run. `before-shared`:
 * the rules a campaign started before the shared ones replays with.
 */
export function campaignInputProblems(input: unknown, version: InputRulesVersion = 'shared'): string[] {
  if (!isObject(input)) return ['input: must be an object'];
  const problems: string[] = version === 'shared' ? sharedRuleProblems(input) : [];
  if (typeof input.campaignId !== 'string' || !CAMPAIGN_ID.test(input.campaignId) || /^\.+$/.test(input.campaignId)) {
    problems.push('campaignId: must be 1-64 letters, digits, "-", "_" or "." (and not only dots)');
  }
  const products = input.products;
  if (products === undefined) {
    const problem = imagesProblem('images', input.images);
    if (problem) problems.push(problem);
  } else if (input.images !== undefined) {
    problems.push('images: give either images (one product) or products, not both');
  } else if (!Array.isArray(products) || products.length < 1 || products.length > MAX_PRODUCTS) {
    problems.push(`products: must hold 1 to ${MAX_PRODUCTS} products`);
  } else {
    products.forEach((product: unknown, i) => {
      if (!isObject(product)) return problems.push(`products[${i}]: must be { productId, images, prompt? }`);
      if (typeof product.productId !== 'string' || !PRODUCT_ID.test(product.productId)) problems.push(`products[${i}].productId: must be 1-32 letters, digits, "-" or "_"`);
      const problem = imagesProblem(`products[${i}].images`, product.images);
      if (problem) problems.push(problem);
      if (product.prompt !== undefined && (typeof product.prompt !== 'string' || product.prompt.length > 2000)) problems.push(`products[${i}].prompt: must be text of at most 2000 characters`);
    });
    const ids = products.map((p: unknown) => (isObject(p) ? p.productId : undefined));
    if (new Set(ids).size !== ids.length) problems.push('products: each productId must be different');
  }
  const matrix = input.variants;
  if (!isObject(matrix)) {
    problems.push('variants: must be { aspectRatios, languages, durations }');
  } else {
    const found = [
      listProblem('variants.aspectRatios', matrix.aspectRatios, (v): v is AspectRatio => ASPECT_RATIOS.includes(v as AspectRatio), 'each must be "16:9", "9:16" or "1:1"'),
      listProblem('variants.languages', matrix.languages, (v): v is Language => LANGUAGES.includes(v as Language), 'each must be "zh" or "en"'),
      listProblem('variants.durations', matrix.durations, (v): v is number => Number.isInteger(v) && (v as number) >= DURATION.min && (v as number) <= DURATION.max, `each must be a whole number of seconds from ${DURATION.min} to ${DURATION.max}`),
    ].filter((p): p is string => p !== undefined);
    problems.push(...found);
    if (found.length === 0) {
      const productCount = Array.isArray(products) ? products.length : 1;
      const count = productCount * (matrix.aspectRatios as unknown[]).length * (matrix.languages as unknown[]).length * (matrix.durations as unknown[]).length;
      if (count > MAX_VARIANTS) problems.push(`variants: ${count} combinations, at most ${MAX_VARIANTS}`);
    }
  }
  const known = problems.length === 0 ? new Set(expandVariants(input as unknown as CampaignInput).map((v) => v.key)) : undefined;
  for (const [field, check] of [
    ['variantPrompts', (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 2000],
    ['priorities', (v: unknown) => Number.isInteger(v) && Math.abs(v as number) <= 1_000_000],
  ] as const) {
    const map = input[field];
    if (map === undefined) continue;
    if (!isObject(map)) {
      problems.push(`${field}: must be an object keyed by variant key, e.g. {"16x9-en-15s": ...}`);
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      if (known && !known.has(key)) problems.push(`${field}.${key}: is not a variant of this campaign (keys look like ${[...known][0]})`);
      else if (!check(value)) problems.push(field === 'variantPrompts' ? `${field}.${key}: must be 1-2000 characters` : `${field}.${key}: must be a whole number`);
    }
  }
  const max = input.maxConcurrent;
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 100)) problems.push('maxConcurrent: must be a whole number from 1 to 100');
  const can = input.continueAsNewAfterEvents;
  if (can !== undefined && (!Number.isInteger(can) || (can as number) < 100 || (can as number) > 40_000)) problems.push('continueAsNewAfterEvents: must be a whole number from 100 to 40000');
  if (input.ads !== undefined && !isObject(input.ads)) problems.push('ads: must be an object of ad options (review, maxEdits, maxCredits, polling, ...)');
  problems.push(...budgetProblems(input, problems.length === 0));
  return problems;
}

/** `budgetCredits` and `ads.maxCredits`: whole credits, each ad's allotment enough to make it, the budget enough for one ad. */
function budgetProblems(input: Record<string, unknown>, matrixValid: boolean): string[] {
  const problems: string[] = [];
  const durations = matrixValid ? ((input.variants as { durations: number[] }).durations ?? []) : [];
  const longest = durations.length > 0 ? Math.max(...durations) : undefined;
  const perAd = isObject(input.ads) ? input.ads.maxCredits : undefined;
  const adProblem = maxCreditsProblem(perAd, longest);
  if (adProblem) problems.push(`ads.${adProblem}${longest !== undefined ? ` (for the longest variant, ${longest} s)` : ''}`);
  const budget = input.budgetCredits;
  if (budget === undefined) return problems;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1 || budget > MAX_CREDITS_LIMIT) {
    problems.push(`budgetCredits: must be a positive whole number of credits, at most ${MAX_CREDITS_LIMIT}`);
  } else if (matrixValid && !adProblem) {
    const cheapest = Math.min(...durations.map((d) => (typeof perAd === 'number' ? perAd : adStartCredits(d).total)));
    if (budget < cheapest) problems.push(`budgetCredits: must be at least ${cheapest}, what one ad is allotted (got ${budget})`);
  }
  return problems;
}

/** The variants in the order they start: higher priority first, then the order of products and matrix. */
export function expandVariants(input: CampaignInput): CampaignVariantStatus[] {
  const variants: CampaignVariantStatus[] = [];
  for (const productId of input.products?.map((p) => p.productId) ?? [undefined]) {
    for (const aspectRatio of input.variants.aspectRatios) {
      for (const language of input.variants.languages) {
        for (const duration of input.variants.durations) {
          const key = variantKey(aspectRatio, language, duration, productId);
          const priority = input.priorities?.[key] ?? 0;
          const variant: CampaignVariantStatus = { key, adId: adIdForVariant(input.campaignId, key), aspectRatio, language, duration, priority, state: 'waiting', progress: 0, creditsSpent: 0 };
          if (productId !== undefined) variant.productId = productId;
          variants.push(variant);
        }
      }
    }
  }
  // Array.prototype.sort is stable: equal priorities keep the matrix order.
  return variants.sort((a, b) => b.priority - a.priority);
}
