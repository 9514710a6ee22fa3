// GET /v1/ads/{adId}/events: the ad's status as server-sent events. `status`
// at once and on every change, `end` when the ad has finished, a comment as
// keep-alive; the shared poller stops when the last client goes away. Open
// streams are capped per key (429) and in all (503), with Retry-After.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isFinishedStage } from '../../workflows/ad/contract';
import type { ApiContext } from '../context';
import { AdIdParamsSchema, ErrorBodySchema } from '../schemas';

export function eventRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/ads/:adId/events',
      {
        schema: {
          summary: 'Status changes as server-sent events (event: status, then event: end when finished)',
          params: AdIdParamsSchema,
          produces: ['text/event-stream'],
          response: { 401: ErrorBodySchema, 404: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema },
        },
      },
      async (request, reply) => {
        const { adId } = request.params;
        // Taken before anything is awaited, so simultaneous requests cannot all slip past the cap.
        const releaseSlot = ctx.streamSlots.acquire(request.apiKey!.name);
        const out = reply.raw;
        // Listened for before the first await: a client that leaves while the first status is read
        // has already closed the response by the time it arrives, and 'close' does not fire twice.
        let onClientGone = () => {};
        let clientGone = false;
        out.on('close', () => {
          clientGone = true;
          releaseSlot();
          onClientGone();
        });
        // Asked once before the stream opens, so an unknown ad is a plain 404 rather than an empty stream.
        let first;
        try {
          first = await ctx.read(() => ctx.statuses.status(adId));
        } catch (err) {
          releaseSlot();
          throw err;
        }
        reply.hijack();
        if (clientGone || out.destroyed) return void out.end();
        out.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let closed = false;
        let unfollow = () => {};
        const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), ctx.heartbeatMs);
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          releaseSlot();
          ctx.streams.delete(close);
          unfollow();
          out.end();
        };
        ctx.streams.add(close);
        // The response closes when the client goes away (or the stream ends): either way the poller may stop.
        onClientGone = close;
        out.write('retry: 2000\n\n');
        let lastJson = JSON.stringify(first);
        out.write(`event: status\ndata: ${lastJson}\n\n`);
        if (isFinishedStage(first.stage)) {
          out.write('event: end\ndata: {}\n\n');
          return close();
        }
        unfollow = ctx.feed.follow(adId, {
          status(_status, json) {
            if (closed || json === lastJson) return;
            lastJson = json;
            out.write(`event: status\ndata: ${json}\n\n`);
          },
          end(reason) {
            if (closed) return;
            out.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
            close();
          },
        });
      },
    );
  };
}
