// GET /v1/ads/{adId}/media/<path>: a file from the ad's folder in the
// artifact store (take videos and covers, the final video), whichever store
// it is (a local folder or an S3 bucket), streamed from the store with
// Content-Type, ETag, Last-Modified and single-range Range support, which
// video players need to seek. Only a plain relative path inside an existing
// ad's own folder is served.
//
// What is served must never run as a page of the API's origin: every answer
// says `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`,
// and only the video, audio and image types the project stores are served as
// such; anything else (HTML, SVG, text, a type a media host made up) goes as an
// `application/octet-stream` attachment.
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ArtifactInfo } from '../../artifacts/artifactStore';
import { answerRange } from '../../http/byteRange';
import { workflowIdForAd } from '../../workflows/ad/contract';
import type { ApiContext } from '../context';
import { ApiError, badRequest, notFound } from '../errors';
import { AdIdSchema, ErrorBodySchema } from '../schemas';

const MAX_MEDIA_PATH_CHARS = 1024;

/**
 * The types served as themselves: what Vidu's media and the stored product
 * images come as (see EXTENSIONS in src/activities/mediaDownload.ts), plus GIF.
 * No SVG: an image that can carry script.
 */
export const INLINE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'audio/mpeg',
  'audio/mp3',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/wav',
  'audio/wave',
  'audio/x-wav',
  'audio/ogg',
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
]);

/** Headers on every answer of the media route, errors and 304s included. */
export const MEDIA_SAFETY_HEADERS = { 'x-content-type-options': 'nosniff', 'content-security-policy': 'sandbox' } as const;

/** How a stored file is served: its own type if on the allowlist, else an octet-stream attachment. */
export function servedAs(contentType: string, fileName: string): { type: string; disposition?: string } {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  if (INLINE_MEDIA_TYPES.has(base)) return { type: base };
  // The name is made of SEGMENT characters only (mediaPathProblem), so it needs no quoting beyond the quotes.
  return { type: 'application/octet-stream', disposition: `attachment; filename="${fileName}"` };
}
const SEGMENT = /^[\w][\w.-]*$/;
const MAX_SEGMENT_CHARS = 255;

/** The rule a media path breaks, or undefined: relative, no empty, "." or ".." segments, no hidden or temporary files. */
export function mediaPathProblem(relativePath: string): string | undefined {
  if (relativePath === '') return 'is required: a file path inside the ad folder';
  if (relativePath.length > MAX_MEDIA_PATH_CHARS) return `must be at most ${MAX_MEDIA_PATH_CHARS} characters`;
  if (relativePath.startsWith('/') || relativePath.includes('\\') || path.isAbsolute(relativePath)) return 'must be a relative path';
  const segments = relativePath.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain "." or ".." segments';
  if (!segments.every((s) => SEGMENT.test(s))) return 'each segment must be letters, digits, "_", "-" or "." and not start with "." or "-"';
  // A longer file name cannot exist (the file systems' limit); asking for one failed inside the store (a 500).
  if (segments.some((s) => s.length > MAX_SEGMENT_CHARS)) return `each segment must be at most ${MAX_SEGMENT_CHARS} characters`;
  if (relativePath.endsWith('.tmp')) return 'must name a finished file';
  return undefined;
}

/** mediaPathProblem's rules as the document states them (the handler checks them, naming the field "path"). */
const MEDIA_PATH_DOC = {
  description: 'Path inside the ad folder, e.g. takes/<id>.mp4: segments of letters, digits, "_", "-" and "." not starting with "." or "-"',
  pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,254})*$',
  maxLength: MAX_MEDIA_PATH_CHARS,
};

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

/** Whether an If-None-Match or If-Range validator names this version of the file. */
function matchesEtag(header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

/** Sends the file (or the range asked for) from the store; `info` is what `stat` answered for it. */
async function sendStored(ctx: ApiContext, key: string, info: ArtifactInfo, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  reply.header('accept-ranges', 'bytes');
  reply.header('etag', info.etag);
  reply.header('last-modified', info.lastModified.toUTCString());
  reply.header('cache-control', 'private, no-cache');
  const served = servedAs(info.contentType, path.posix.basename(key));
  reply.type(served.type);
  if (served.disposition) reply.header('content-disposition', served.disposition);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && matchesEtag(ifNoneMatch, info.etag)) return reply.code(304).send();
  // A range is honoured only while the file is still the version the client has (If-Range);
  // an If-Range date is treated as a changed file, which the RFC allows: the whole file is sent.
  const ifRangeHeader = request.headers['if-range'];
  const ifRange = Array.isArray(ifRangeHeader) ? ifRangeHeader[0] : ifRangeHeader;
  const rangeHeader = ifRange && !matchesEtag(ifRange, info.etag) ? undefined : request.headers.range;
  const answer = answerRange(rangeHeader, info.bytes);
  if (answer.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${info.bytes}`);
    throw new ApiError(416, 'RangeNotSatisfiable', `range: must start inside the file's ${info.bytes} bytes`, 'range');
  }
  const range = answer.kind === 'partial' ? { start: answer.start, end: answer.end } : undefined;
  // Opened before the status and length are set: a store that fails here gets the usual error answer.
  const body = request.method === 'HEAD' || info.bytes === 0 ? undefined : await ctx.artifacts.read(key, range);
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.bytes}`);
  reply.header('content-length', range ? range.end - range.start + 1 : info.bytes);
  return reply.send(body);
}

export function mediaRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const adExists = knownAds(ctx);
  return async (app) => {
    // HEAD declared with GET (not fastify's automatic HEAD route, which answers a bodiless reply
    // with Content-Length: 0): a player's HEAD learns the file's real length.
    app.route({
      method: ['GET', 'HEAD'],
      url: '/v1/ads/:adId/media/*',
      schema: {
        summary: "A file from the ad's folder in the artifact store (supports Range)",
        params: z.object({ adId: AdIdSchema, '*': z.string().meta(MEDIA_PATH_DOC) }),
        produces: [...INLINE_MEDIA_TYPES, 'application/octet-stream'],
        response: { 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema, 416: ErrorBodySchema },
      },
      onRequest: async (_request, reply) => {
        reply.headers(MEDIA_SAFETY_HEADERS);
      },
      onSend: async (_request, reply, payload) => {
        reply.headers(MEDIA_SAFETY_HEADERS);
        return payload;
      },
      handler: async (request, reply) => {
        const { adId, '*': relativePath } = request.params;
        const problem = mediaPathProblem(relativePath);
        if (problem) throw badRequest('path', problem);
        if (!(await adExists(adId))) throw notFound(`no ad with id "${adId}"`);
        const key = `${adId}/${relativePath}`;
        const info = await ctx.artifacts.stat(key);
        if (!info) throw notFound(`ad "${adId}" has no file ${relativePath}`);
        return sendStored(ctx, key, info, request, reply);
      },
    });
  };
}
