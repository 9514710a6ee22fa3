// The zod schemas of the API: they validate requests, shape responses and
// generate /openapi.json. Their bounds are the project's own (INPUT_LIMITS,
// VIDU_LIMITS, REQUEST_ID_PATTERN, EDIT_PROMPT_MAX_CHARS) and an ad request is
// also run through the starter's own check (adRequestIssues), so the API
// accepts what the starter and the workflow accept, and says so in the same words.
import { z } from 'zod';
import { AD_ID_PATTERN, adRequestIssues, BOUNDED_FIELDS } from '../starter/adRequest';
import { REQUEST_ID_RULE } from '../starter/requestIds';
import { ASPECT_RATIOS, LANGUAGES, VIDU_LIMITS } from '../vidu/requestValidation';
import { CANCEL_REASON_MAX_CHARS, EDIT_KINDS, INPUT_LIMITS, MAX_CREDITS_LIMIT, MAX_MAX_EDITS, NOTIFY_URL_MAX_CHARS, REVIEW_TIMEOUT_OUTCOMES, TAKE_ID_MAX_CHARS } from '../workflows/shared/inputRules';
import { AD_STAGES, EDIT_PROMPT_MAX_CHARS, REQUEST_ID_PATTERN } from '../workflows/ad/contract';

export { EDIT_KINDS, MAX_MAX_EDITS, REVIEW_TIMEOUT_OUTCOMES };

function bounded(limit: { min: number; max: number }, what: string) {
  return z
    .number({ error: `must be a whole number of ${what}` })
    .int({ error: `must be a whole number of ${what}` })
    .min(limit.min, { error: `must be at least ${limit.min}` })
    .max(limit.max, { error: `must be at most ${limit.max}` });
}

function codePoints(text: string): number {
  return [...text].length;
}

/** Parses "edits[0].prompt" into zod's path form. */
function pathOf(field: string): Array<string | number> {
  return field.split(/\.|(?=\[)/).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}

export const AdIdSchema = z
  .string()
  .regex(AD_ID_PATTERN, { error: 'must be 1-128 letters, digits, ".", "_" or "-"' })
  .refine((id) => !/^\.+$/.test(id), { error: 'must not be only dots' })
  // The document's pattern says both rules (the allowed characters, not only dots) in one regex.
  .meta({ description: 'The caller-chosen ad id; also the idempotency key of POST /v1/ads', pattern: '^[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*$', minLength: 1, maxLength: 128 });

export const RequestIdSchema = z
  .string()
  .regex(REQUEST_ID_PATTERN, { error: REQUEST_ID_RULE })
  .describe('Names the request: repeating it returns the first answer and spends nothing more. Made up when absent.');

export const EditKindSchema = z.enum(EDIT_KINDS, { error: `must be one of ${EDIT_KINDS.join(', ')}` });
const StoryboardIndexSchema = z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).describe('0-based; for video only');

/** A video edit or selection names its storyboard; narration and music apply to the whole ad. */
function checkStoryboardIndex(value: { kind: string; storyboardIndex?: number }, ctx: z.RefinementCtx): void {
  if (value.kind === 'video' && value.storyboardIndex === undefined) {
    ctx.addIssue({ code: 'custom', path: ['storyboardIndex'], message: 'is required when kind is "video"' });
  }
  if (value.kind !== 'video' && value.storyboardIndex !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['storyboardIndex'], message: 'is only allowed when kind is "video"' });
  }
}

/** checkStoryboardIndex in the document's words (OpenAPI 3.0 has no if/then): video needs it, the others must not have it. */
const STORYBOARD_INDEX_RULE = {
  anyOf: [
    { properties: { kind: { enum: ['video'] } }, required: ['storyboardIndex'] },
    { properties: { kind: { enum: EDIT_KINDS.filter((kind) => kind !== 'video') } }, not: { required: ['storyboardIndex'] } },
  ],
};

export const EditPromptSchema = z
  .string({ error: 'is required: a text' })
  .refine((p) => p.trim() !== '', { error: 'must not be empty' })
  // The workflow's validator counts UTF-16 units, which is what max() counts.
  .max(EDIT_PROMPT_MAX_CHARS, { error: `must be at most ${EDIT_PROMPT_MAX_CHARS} characters` })
  // The document says "not empty" as: at least one character that is not white space.
  .meta({ minLength: 1, pattern: '\\S' });

export const EditBodySchema = z
  .strictObject({ requestId: RequestIdSchema.optional(), kind: EditKindSchema, storyboardIndex: StoryboardIndexSchema.optional(), prompt: EditPromptSchema })
  .superRefine(checkStoryboardIndex)
  .meta({ description: 'An edit: a new take of one storyboard video, of the narration or of the background music', ...STORYBOARD_INDEX_RULE });

export const SelectionBodySchema = z
  .strictObject({
    requestId: RequestIdSchema.optional(),
    kind: EditKindSchema,
    storyboardIndex: StoryboardIndexSchema.optional(),
    takeId: z.string({ error: 'is required: a take id' }).min(1, { error: 'must not be empty' }).max(TAKE_ID_MAX_CHARS, { error: `must be at most ${TAKE_ID_MAX_CHARS} characters` }),
  })
  .superRefine(checkStoryboardIndex)
  .meta({ description: 'Chooses an existing finished take during review', ...STORYBOARD_INDEX_RULE });

/** approve and cancel may come without a body at all (fastify then has null). */
export const ApproveBodySchema = z.strictObject({ requestId: RequestIdSchema.optional() }).nullish();
export const CancelReasonSchema = z.string().max(CANCEL_REASON_MAX_CHARS, { error: `must be at most ${CANCEL_REASON_MAX_CHARS} characters` });
export const CancelBodySchema = z.strictObject({ requestId: RequestIdSchema.optional(), reason: CancelReasonSchema.optional() }).nullish();

const boundedFields = Object.fromEntries(
  BOUNDED_FIELDS.map((field) => [field, bounded(INPUT_LIMITS[field], field === 'continueAsNewAfterEvents' ? 'events' : 'milliseconds').optional()]),
) as Record<(typeof BOUNDED_FIELDS)[number], z.ZodOptional<z.ZodNumber>>;

export const ReviewSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }),
  windowMs: bounded(INPUT_LIMITS.reviewWindowMs, 'milliseconds').describe('How long an operator may take'),
  onTimeout: z.enum(REVIEW_TIMEOUT_OUTCOMES, { error: `must be one of ${REVIEW_TIMEOUT_OUTCOMES.join(', ')}` }),
});

/**
 * An image as a caller may send it: an http(s) URL or a data:image/(png|jpeg|jpg|webp);base64 URI,
 * written out as such (no leading control characters, no "HTTP:/host" the URL parser would mend,
 * no white space; base64 of at least one byte), the same regex in the document. The starter's rules come on top (a public host,
 * real image bytes); a `stored:` reference is the starter's own form and never a caller's (it
 * would name another ad's files).
 */
// A data URI holds base64 of at least one byte: an image that decoded to nothing ("base64," or "base64,0")
// used to reach the store, a 500 starting a campaign.
const IMAGE_FORM = /^(https?:\/\/\S+|data:image\/(png|jpeg|jpg|webp);base64,[A-Za-z0-9+/]{4,}={0,2})$/;
const ImageSchema = z
  .string({ error: 'must be a text: an http(s) URL or a data:image/...;base64 URI' })
  .regex(IMAGE_FORM, { error: 'must be an http(s) URL or a data:image/(png|jpeg|jpg|webp);base64 URI' })
  .describe('A public http(s) URL, or a data:image/(png|jpeg|webp);base64 URI of a real image');

export const StartAdBodySchema = z
  .strictObject({
    adId: AdIdSchema,
    images: z
      .array(ImageSchema, { error: 'is required: an array of images' })
      .min(VIDU_LIMITS.minImages, { error: `must hold ${VIDU_LIMITS.minImages}-${VIDU_LIMITS.maxImages} images` })
      .max(VIDU_LIMITS.maxImages, { error: `must hold ${VIDU_LIMITS.minImages}-${VIDU_LIMITS.maxImages} images` })
      .describe('Public http(s) URLs or data:image/(png|jpeg|webp);base64 URIs (stored by the API, never put in workflow history)'),
    prompt: z
      .string()
      .refine((p) => codePoints(p) <= VIDU_LIMITS.maxPromptChars, { error: `must be at most ${VIDU_LIMITS.maxPromptChars} characters` })
      .optional(),
    duration: z
      .number()
      .int({ error: 'must be a whole number of seconds' })
      .min(VIDU_LIMITS.minDuration, { error: `must be at least ${VIDU_LIMITS.minDuration}` })
      .max(VIDU_LIMITS.maxDuration, { error: `must be at most ${VIDU_LIMITS.maxDuration}` })
      .optional(),
    aspectRatio: z.enum(ASPECT_RATIOS, { error: `must be one of ${ASPECT_RATIOS.join(', ')}` }).optional(),
    language: z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` }).optional(),
    review: ReviewSchema.optional(),
    edits: z.array(EditBodySchema).max(MAX_MAX_EDITS, { error: `must hold at most ${MAX_MAX_EDITS} edits` }).optional().describe('Edits applied as soon as the first video is ready; no more than maxEdits'),
    maxEdits: z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).max(MAX_MAX_EDITS, { error: `must be at most ${MAX_MAX_EDITS}` }).optional(),
    // Its rule (a positive whole number that pays for the create and a compose) is the starter's, below.
    maxCredits: z
      .number()
      .optional()
      .meta({
        description: "The ad's credit budget: each create, edit and compose reserves its estimated cost against it first; at least what the create and one compose of its duration cost",
        type: 'integer',
        minimum: 1,
        maximum: MAX_CREDITS_LIMIT,
      }),
    notifyUrl: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .max(NOTIFY_URL_MAX_CHARS, { error: `must be at most ${NOTIFY_URL_MAX_CHARS} characters` })
      .optional()
      .describe('Receives a signed (Standard Webhooks) POST when the ad ends'),
    ...boundedFields,
    polling: z
      .strictObject({ initialMs: bounded(INPUT_LIMITS.pollingInitialMs, 'milliseconds'), maxMs: bounded(INPUT_LIMITS.pollingMaxMs, 'milliseconds') })
      .optional(),
  })
  // The starter's own rules on top (cross-field ones such as polling.maxMs >= initialMs), in its words.
  .superRefine((request, ctx) => {
    for (const issue of adRequestIssues(request)) ctx.addIssue({ code: 'custom', path: pathOf(issue.field), message: issue.rule });
  })
  .describe(
    'Starts an ad; the adId is the idempotency key. As multipart/form-data: the same names as text parts (edits and polling as JSON text), ' +
      'images as file parts (png, jpeg, webp) or URL text parts, review as "true"/"false" with optional reviewWindowMs and reviewOnTimeout.',
  );
export type StartAdBody = z.infer<typeof StartAdBodySchema>;

export const AdIdParamsSchema = z.object({ adId: AdIdSchema });

export const StartedAdSchema = z.object({ adId: z.string(), workflowId: z.string(), created: z.boolean() });
export const EditAcceptedSchema = z.object({ requestId: z.string(), subTaskId: z.string() });
export const RequestAcceptedSchema = z.object({ requestId: z.string() });

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export const ListAdsQuerySchema = z.strictObject({
  stage: z.enum(AD_STAGES, { error: `must be one of ${AD_STAGES.join(', ')}` }).optional(),
  pageSize: z.coerce.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(100, { error: 'must be at most 100' }).default(20),
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/, { error: 'must be a nextPageToken from an earlier answer' }).optional(),
});

export const AdSummarySchema = z.object({
  adId: z.string(),
  workflowId: z.string(),
  stage: z.string(),
  running: z.boolean(),
  startTime: z.string().describe('ISO 8601'),
  closeTime: z.string().optional(),
});
export const AdListSchema = z.object({ ads: z.array(AdSummarySchema), nextPageToken: z.string().optional() });

// The status is the workflow's own AdStatus (src/workflows/ad/contract.ts). Loose
// objects: fields the workflow adds later reach the client without a change here.
const TakeSchema = z.looseObject({ id: z.string(), prompt: z.string(), state: z.string(), media: z.string().optional(), cover: z.string().optional() });
const SlotSchema = z.looseObject({ takes: z.array(TakeSchema), selectedTakeId: z.string() });
export const AdStatusSchema = z
  .looseObject({
    adId: z.string(),
    stage: z.enum(AD_STAGES),
    progress: z.number(),
    storyboards: z.array(SlotSchema.extend({ index: z.number() })),
    narration: SlotSchema.optional(),
    bgm: SlotSchema.optional(),
    edits: z.array(z.looseObject({ kind: z.string(), prompt: z.string(), state: z.string() })),
    editsUsed: z.number(),
    maxEdits: z.number(),
    creditsSpent: z.number(),
    credits: z
      .looseObject({ estimated: z.number(), reserved: z.number(), spent: z.number(), limit: z.number().optional(), overrun: z.number() })
      .optional()
      .describe('The credit budget: estimated, reserved, spent and the limit (maxCredits)'),
    requests: z.array(z.looseObject({ requestId: z.string(), kind: z.string(), outcome: z.string() })),
    runNumber: z.number(),
    result: z.looseObject({}).optional(),
    notification: z.looseObject({}).optional(),
  })
  .describe('The ad status query (AdStatus)');

export const SessionBodySchema = z.strictObject({ token: z.string({ error: 'is required: one of the API tokens' }).min(1).max(256) });
