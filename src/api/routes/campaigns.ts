// Campaigns over HTTP: start one from a brief (JSON; images as URLs or data
// URIs, stored like an ad's), read its status, and approve, edit or cancel its
// ads at campaign level. The brief itself is checked by the same rules as the
// starter's (src/workflows/campaign/variants.ts), each problem naming its field.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCampaignHandle } from '../../starter/campaignHandle';
import { AdNotFoundError } from '../../starter/errors';
import { startCampaign } from '../../starter/startCampaign';
import { workflowIdForCampaign, type CampaignInput } from '../../workflows/campaign/contract';
import { sharedRuleProblems } from '../../workflows/campaign/variants';
import type { ApiContext } from '../context';
import { CAP_SETTINGS, cappedBudget, type CreditCaps } from '../creditCaps';
import { badRequest, notFound } from '../errors';
import { CancelReasonSchema, EditKindSchema, EditPromptSchema, ErrorBodySchema, RequestIdSchema, StartAdBodySchema } from '../schemas';

const CampaignIdParamsSchema = z.strictObject({
  campaignId: z.string().regex(/^[\w.-]{1,64}$/, { error: 'must be 1-64 letters, digits, ".", "_" or "-"' }),
});
const VariantKeysSchema = z.array(z.string().max(100)).min(1, { error: 'must list at least one variant key' }).max(1000).optional();
/**
 * The brief: a closed object of the fields a caller may set (never `continued`; `startedBy` is ignored),
 * with their types and bounds, so the document states them; the rules across fields (images or
 * products, variant keys, budgets against durations) are the starter's (campaignInputProblems),
 * which name the field in a 400. Enumerations are stated in the document and checked by those rules.
 */
const VariantListSchema = <T extends z.ZodType>(item: T, max: number) => z.array(item).min(1, { error: 'must list at least one value' }).max(max).meta({ uniqueItems: true });
const CampaignImagesSchema = StartAdBodySchema.shape.images;
const CampaignBriefSchema = z
  .strictObject({
    campaignId: z.string({ error: 'is required: 1-64 letters, digits, ".", "_" or "-"' }).meta({
      description: 'Caller-chosen; each ad is <campaignId>.<variant key>',
      pattern: '^[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*$',
      minLength: 1,
      maxLength: 64,
    }),
    images: CampaignImagesSchema.optional(),
    prompt: z.string().max(2000).optional(),
    products: z
      .array(z.strictObject({ productId: z.string().meta({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), images: CampaignImagesSchema, prompt: z.string().max(2000).optional() }))
      .min(1)
      .max(100)
      .optional()
      .describe('Several products (each productId different), instead of images'),
    variants: z.strictObject(
      {
        aspectRatios: VariantListSchema(z.string().meta({ enum: ['16:9', '9:16', '1:1'] }), 3),
        languages: VariantListSchema(z.string().meta({ enum: ['zh', 'en'] }), 2),
        durations: VariantListSchema(z.number().meta({ type: 'integer', minimum: 10, maximum: 60 }), 51),
      },
      { error: 'must be { aspectRatios, languages, durations }' },
    ),
    variantPrompts: z.record(z.string(), z.string().min(1).max(2000)).optional().describe('A prompt per variant key ("16x9-en-15s")'),
    priorities: z.record(z.string(), z.number().int().min(-1_000_000).max(1_000_000)).optional().describe('A priority per variant key; higher starts first'),
    budgetCredits: z.number().optional().describe('The most credits the whole campaign may spend (a positive whole number, at least one ad\'s allotment)'),
    maxConcurrent: z.number().int().min(1).max(100).optional(),
    continueAsNewAfterEvents: z.number().int().min(100).max(40_000).optional(),
    startedBy: z.string().max(200).optional().describe('Ignored: the campaign records the name of the key that started it'),
    ads: z
      .strictObject({
        review: StartAdBodySchema.shape.review,
        maxEdits: StartAdBodySchema.shape.maxEdits,
        maxCredits: StartAdBodySchema.shape.maxCredits,
        polling: StartAdBodySchema.shape.polling,
        taskDeadlineMs: StartAdBodySchema.shape.taskDeadlineMs,
        queueDeadlineMs: StartAdBodySchema.shape.queueDeadlineMs,
        outageBudgetMs: StartAdBodySchema.shape.outageBudgetMs,
        notifyUrl: StartAdBodySchema.shape.notifyUrl,
      })
      .optional()
      .describe('Options of every ad of the campaign'),
  })
  .meta({
    description: 'A campaign brief: campaignId, images or products, prompt, variants {aspectRatios, languages, durations}, variantPrompts, priorities, maxConcurrent, budgetCredits, ads',
    // images or products, not both (the starter's rule, in the document's words).
    anyOf: [{ required: ['images'] }, { required: ['products'] }],
    not: { required: ['images', 'products'] },
  });
const CampaignApproveBodySchema = z.strictObject({ requestId: RequestIdSchema.optional(), variantKeys: VariantKeysSchema }).nullish();
const CampaignEditBodySchema = z.strictObject({
  requestId: RequestIdSchema.optional(),
  kind: EditKindSchema,
  storyboardIndex: z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).optional(),
  prompt: EditPromptSchema,
  variantKeys: VariantKeysSchema,
});
const CampaignCancelBodySchema = z.strictObject({ requestId: RequestIdSchema.optional(), reason: CancelReasonSchema.optional() }).nullish();
const CampaignRequestAcceptedSchema = z.object({ requestId: z.string(), adIds: z.array(z.string()) });
const StartedCampaignSchema = z.object({ campaignId: z.string(), workflowId: z.string(), created: z.boolean() });
const CampaignStatusSchema = z.looseObject({ campaignId: z.string(), stage: z.string(), total: z.number(), progress: z.number(), creditsSpent: z.number() });

/**
 * The brief under the server's caps: `budgetCredits` and `ads.maxCredits` default to the caps and
 * may not exceed them (422 naming the field and the cap, nothing started).
 */
function withCaps(brief: CampaignInput, caps: CreditCaps): CampaignInput {
  const budgetCredits = cappedBudget(brief.budgetCredits, caps.perCampaign, 'budgetCredits', CAP_SETTINGS.perCampaign) as number | undefined;
  const capped: CampaignInput = budgetCredits === undefined ? brief : { ...brief, budgetCredits };
  // An `ads` that is not an object is left for the brief's own check to name.
  if (caps.perAd === undefined || (brief.ads !== undefined && (typeof brief.ads !== 'object' || brief.ads === null || Array.isArray(brief.ads)))) return capped;
  const maxCredits = cappedBudget(brief.ads?.maxCredits, caps.perAd, 'ads.maxCredits', CAP_SETTINGS.perAd) as number | undefined;
  return { ...capped, ads: { ...brief.ads, maxCredits } };
}

const REFUSALS = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema, 503: ErrorBodySchema };

export function campaignRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/campaigns',
      {
        // Up to 7 inline images per product, as for an ad.
        bodyLimit: 21 * 1024 * 1024,
        schema: { summary: 'Start a campaign; the campaignId is the idempotency key', body: CampaignBriefSchema, response: { 200: StartedCampaignSchema, 201: StartedCampaignSchema, ...REFUSALS } },
        // The campaign rules first, in their own words (whose a field is, which options a campaign may
        // set); the schema, which says the same as a closed object, would only call a field unknown.
        preValidation: async (request) => {
          const body = request.body;
          if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
          const { startedBy: _ignored, ...brief } = body as Record<string, unknown>;
          const [problem] = sharedRuleProblems(brief);
          if (problem === undefined) return;
          const at = problem.indexOf(': ');
          throw badRequest(problem.slice(0, at), problem.slice(at + 2));
        },
      },
      async (request, reply) => {
        const brief = withCaps(request.body as unknown as CampaignInput, ctx.caps);
        const workflowId = workflowIdForCampaign(brief.campaignId);
        const existed = await ctx.read(() => ctx.client.workflow.getHandle(workflowId).describe()).then(
          () => true,
          () => false,
        );
        if (!existed) await startCampaign(ctx.client, brief, { taskQueue: ctx.taskQueue, artifacts: ctx.artifacts, by: request.apiKey!.name });
        return reply.code(existed ? 200 : 201).send({ campaignId: brief.campaignId, workflowId, created: !existed });
      },
    );

    app.get(
      '/v1/campaigns/:campaignId',
      { schema: { summary: "The campaign's status: stages, progress and credits summed over its ads, and each variant", params: CampaignIdParamsSchema, response: { 200: CampaignStatusSchema, ...REFUSALS } } },
      async (request) => {
        const { campaignId } = request.params;
        try {
          return (await ctx.read(() => getCampaignHandle(ctx.client, campaignId).status())) as unknown as z.output<typeof CampaignStatusSchema>;
        } catch (err) {
          if (err instanceof AdNotFoundError) throw notFound(`no campaign with id "${campaignId}"`);
          throw err;
        }
      },
    );

    app.post(
      '/v1/campaigns/:campaignId/approve',
      { schema: { summary: 'Approve every ad of the campaign in review (or of variantKeys)', params: CampaignIdParamsSchema, body: CampaignApproveBodySchema, response: { 200: CampaignRequestAcceptedSchema, ...REFUSALS } } },
      async (request) => getCampaignHandle(ctx.client, request.params.campaignId, { by: request.apiKey!.name }).approve(request.body ?? {}),
    );

    app.post(
      '/v1/campaigns/:campaignId/edits',
      { schema: { summary: 'Ask the same edit of every ad in review (or of variantKeys)', params: CampaignIdParamsSchema, body: CampaignEditBodySchema, response: { 202: CampaignRequestAcceptedSchema, ...REFUSALS } } },
      async (request, reply) => reply.code(202).send(await getCampaignHandle(ctx.client, request.params.campaignId, { by: request.apiKey!.name }).edit(request.body)),
    );

    app.post(
      '/v1/campaigns/:campaignId/cancel',
      { schema: { summary: 'Start no more variants and cancel every ad still running', params: CampaignIdParamsSchema, body: CampaignCancelBodySchema, response: { 200: CampaignRequestAcceptedSchema, ...REFUSALS } } },
      async (request) => getCampaignHandle(ctx.client, request.params.campaignId, { by: request.apiKey!.name }).cancel(request.body ?? {}),
    );
  };
}
