// Operator requests: edit, select a take, approve, cancel. Each goes through
// the workflow's update via the starter's ad handle, with the request id as
// the update id, so a repeated request id returns the first answer and
// spends nothing more. A validator's refusal comes back as 409 (wrong stage,
// finished ad) or 422 (the content: storyboard index, take id, edits used up).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getAdHandle } from '../../starter/adHandle';
import { AdNotFoundError, AdRequestRejectedError } from '../../starter/errors';
import { requestIdFor } from '../../starter/requestIds';
import { workflowIdForAd } from '../../workflows/ad/contract';
import type { ApiContext } from '../context';
import {
  AdIdParamsSchema,
  ApproveBodySchema,
  CancelBodySchema,
  EditAcceptedSchema,
  EditBodySchema,
  ErrorBodySchema,
  RequestAcceptedSchema,
  SelectionBodySchema,
} from '../schemas';

/**
 * Temporal answers an update to a closed workflow with NotFound, which the
 * ad handle reads as "no such ad" unless the message says "completed". An ad
 * that exists but has finished is a 409, not a 404.
 */
async function finishedAdIsConflict<T>(ctx: ApiContext, adId: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof AdNotFoundError)) throw err;
    const description = await ctx.read(() => ctx.client.workflow.getHandle(workflowIdForAd(adId)).describe()).catch(() => undefined);
    if (!description || description.status.name === 'RUNNING') throw err;
    throw new AdRequestRejectedError(adId, `the ad has already finished (${description.status.name.toLowerCase()})`);
  }
}

const REFUSALS = { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema, 503: ErrorBodySchema };

export function operatorRequestRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/ads/:adId/edits',
      {
        schema: {
          summary: 'Request an edit (a new take); answers once Vidu has accepted the sub-task',
          params: AdIdParamsSchema,
          body: EditBodySchema,
          response: { 202: EditAcceptedSchema, ...REFUSALS },
        },
      },
      async (request, reply) => {
        const { adId } = request.params;
        const answer = await finishedAdIsConflict(ctx, adId, () => getAdHandle(ctx.client, adId, { by: request.apiKey!.name }).edit({ ...request.body, requestId: requestIdFor(request.body.requestId) }));
        return reply.code(202).send(answer);
      },
    );

    app.post(
      '/v1/ads/:adId/selections',
      {
        schema: {
          summary: 'Select a finished take for a storyboard, the narration or the music (during review)',
          params: AdIdParamsSchema,
          body: SelectionBodySchema,
          response: { 200: RequestAcceptedSchema, ...REFUSALS },
        },
      },
      async (request) => {
        const { adId } = request.params;
        return finishedAdIsConflict(ctx, adId, () => getAdHandle(ctx.client, adId, { by: request.apiKey!.name }).select({ ...request.body, requestId: requestIdFor(request.body.requestId) }));
      },
    );

    app.post(
      '/v1/ads/:adId/approve',
      {
        schema: {
          summary: 'End the review: the ad is composed from the selected takes',
          params: AdIdParamsSchema,
          body: ApproveBodySchema,
          response: { 200: RequestAcceptedSchema, ...REFUSALS },
        },
      },
      async (request) => {
        const { adId } = request.params;
        return finishedAdIsConflict(ctx, adId, () => getAdHandle(ctx.client, adId, { by: request.apiKey!.name }).approve({ requestId: requestIdFor(request.body?.requestId) }));
      },
    );

    app.post(
      '/v1/ads/:adId/cancel',
      {
        schema: {
          summary: 'Cancel the ad and its Vidu task in flight',
          params: AdIdParamsSchema,
          body: CancelBodySchema,
          response: { 200: RequestAcceptedSchema, ...REFUSALS },
        },
      },
      async (request) => {
        const { requestId, reason } = request.body ?? {};
        const { adId } = request.params;
        return finishedAdIsConflict(ctx, adId, () => getAdHandle(ctx.client, adId, { by: request.apiKey!.name }).cancel({ requestId: requestIdFor(requestId), ...(reason !== undefined ? { reason } : {}) }));
      },
    );
  };
}
