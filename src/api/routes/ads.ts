// Starting, listing and reading ads.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { startAd } from '../../starter/startAd';
import type { z } from 'zod';
import { workflowIdForAd, type AdStatus } from '../../workflows/ad/contract';
import { listAds } from '../adListing';
import type { ApiContext } from '../context';
import { CAP_SETTINGS, cappedBudget } from '../creditCaps';
import { readMultipartAd } from '../multipartAd';
import { AdListSchema, AdIdParamsSchema, AdStatusSchema, ErrorBodySchema, ListAdsQuerySchema, StartAdBodySchema, StartedAdSchema } from '../schemas';

/** A JSON ad request may carry up to 7 inline images: Vidu's 20 MB body limit plus room for the other fields. */
export const START_AD_BODY_LIMIT = 21 * 1024 * 1024;

/** AdStatus as the response schema's type (its loose objects take any extra field). */
export function statusBody(status: AdStatus): z.output<typeof AdStatusSchema> {
  return status as unknown as z.output<typeof AdStatusSchema>;
}

async function adExists(ctx: ApiContext, adId: string): Promise<boolean> {
  try {
    await ctx.read(() => ctx.client.workflow.getHandle(workflowIdForAd(adId)).describe());
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Runs `fn` for one ad id at a time in this process, so two simultaneous
 * requests for a new ad answer 201 once and 200 once. (Across several API
 * processes both may say 201; Temporal still starts one workflow.)
 */
function oneAtATime() {
  const busy = new Map<string, Promise<unknown>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const before = busy.get(key) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(fn);
    busy.set(key, run);
    try {
      return await run;
    } finally {
      if (busy.get(key) === run) busy.delete(key);
    }
  };
}

export function adRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const serialised = oneAtATime();
  return async (app) => {
    app.post(
      '/v1/ads',
      {
        bodyLimit: START_AD_BODY_LIMIT,
        schema: {
          summary: 'Start an ad (JSON or multipart/form-data); the adId is the idempotency key',
          consumes: ['application/json', 'multipart/form-data'],
          body: StartAdBodySchema,
          response: { 200: StartedAdSchema, 201: StartedAdSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 422: ErrorBodySchema, 503: ErrorBodySchema },
        },
        preValidation: async (request) => {
          // The form becomes the JSON shape here; the schema then validates it like any JSON body.
          if (request.isMultipart()) (request as { body: unknown }).body = await readMultipartAd(request);
        },
      },
      async (request, reply) => {
        // The server's cap: the budget of an ad without one, the most an ad may ask for (422, nothing started).
        const maxCredits = cappedBudget(request.body.maxCredits, ctx.caps.perAd, 'maxCredits', CAP_SETTINGS.perAd) as number | undefined;
        const body = maxCredits === undefined ? request.body : { ...request.body, maxCredits };
        const workflowId = workflowIdForAd(body.adId);
        const created = await serialised(body.adId, async () => {
          if (await adExists(ctx, body.adId)) return false;
          await startAd(ctx.client, body, { taskQueue: ctx.taskQueue, artifacts: ctx.artifacts, by: request.apiKey!.name });
          return true;
        });
        return reply.code(created ? 201 : 200).send({ adId: body.adId, workflowId, created });
      },
    );

    app.get(
      '/v1/ads',
      {
        schema: {
          summary: 'List ads, newest first, optionally by stage',
          querystring: ListAdsQuerySchema,
          response: { 200: AdListSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request) => ctx.read(() => listAds(ctx.client, { ...request.query, pageTokens: ctx.pageTokens })),
    );

    app.get(
      '/v1/ads/:adId',
      {
        schema: {
          summary: "The ad's status (the workflow's status query)",
          params: AdIdParamsSchema,
          response: { 200: AdStatusSchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request) => statusBody(await ctx.read(() => ctx.statuses.status(request.params.adId))),
    );
  };
}
