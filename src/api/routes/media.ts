// GET /v1/ads/{adId}/media/<path>: a file from the ad's folder in the
// artifact store (take videos and covers, the final video), with
// Content-Type, ETag and Range support from @fastify/static (@fastify/send).
// Only a plain relative path inside an existing ad's own folder is served.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workflowIdForAd } from '../../workflows/messages';
import type { ApiContext } from '../context';
import { badRequest, notFound } from '../errors';
import { AdIdSchema, ErrorBodySchema } from '../schemas';

const MAX_MEDIA_PATH_CHARS = 1024;
const SEGMENT = /^[\w][\w.-]*$/;

/** The rule a media path breaks, or undefined: relative, no empty, "." or ".." segments, no hidden or temporary files. */
export function mediaPathProblem(relativePath: string): string | undefined {
  if (relativePath === '') return 'is required: a file path inside the ad folder';
  if (relativePath.length > MAX_MEDIA_PATH_CHARS) return `must be at most ${MAX_MEDIA_PATH_CHARS} characters`;
  if (relativePath.startsWith('/') || relativePath.includes('\\') || path.isAbsolute(relativePath)) return 'must be a relative path';
  const segments = relativePath.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain "." or ".." segments';
  if (!segments.every((s) => SEGMENT.test(s))) return 'each segment must be letters, digits, "_", "-" or "." and not start with "." or "-"';
  if (relativePath.endsWith('.tmp')) return 'must name a finished file';
  return undefined;
}

/** Remembers ads known to exist, so a video player's many range requests cost one Temporal call. */
function knownAds(ctx: ApiContext, capacity = 10_000) {
  const known = new Set<string>();
  return async (adId: string): Promise<boolean> => {
    if (known.has(adId)) return true;
    try {
      await ctx.read(() => ctx.client.workflow.getHandle(workflowIdForAd(adId)).describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
    if (known.size >= capacity) known.clear();
    known.add(adId);
    return true;
  };
}

export function mediaRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const adExists = knownAds(ctx);
  return async (app) => {
    // Registered here, inside this plugin, so another plugin may register @fastify/static for its own files.
    await app.register(fastifyStatic, { root: ctx.artifacts.rootDir, serve: false });
    app.get(
      '/v1/ads/:adId/media/*',
      {
        schema: {
          summary: "A file from the ad's folder in the artifact store (supports Range)",
          params: z.object({ adId: AdIdSchema, '*': z.string().describe('Path inside the ad folder, e.g. takes/<id>.mp4') }),
          produces: ['video/mp4', 'audio/mpeg', 'image/png', 'image/jpeg', 'application/octet-stream'],
          response: { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
        },
      },
      async (request, reply) => {
        const { adId, '*': relativePath } = request.params;
        const problem = mediaPathProblem(relativePath);
        if (problem) throw badRequest('path', problem);
        if (!(await adExists(adId))) throw notFound(`no ad with id "${adId}"`);
        const adRoot = path.join(ctx.artifacts.rootDir, adId);
        const file = path.join(adRoot, ...relativePath.split('/'));
        const found = await stat(file).catch(() => undefined);
        if (!found?.isFile()) throw notFound(`ad "${adId}" has no file ${relativePath}`);
        reply.header('cache-control', 'private, no-cache');
        return reply.sendFile(relativePath, adRoot, { dotfiles: 'deny', cacheControl: false, index: false });
      },
    );
  };
}
