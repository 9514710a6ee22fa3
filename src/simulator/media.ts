// Media URLs behave like signed S3 URLs: no Authorization header, an expiry in
// the query and an HMAC over file and expiry. Once expired (or tampered with)
// they answer 403 AccessDenied, so clients must re-query /creations for fresh ones.
// A signed URL looks like `<base>/media/<creation id>.mp4?expires=<epoch ms>&sig=<base64url>`.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerRange } from '../http/byteRange';
import type { MediaFaultEffect } from './faults';

/** How one media request ended, for the counters. */
export type MediaOutcome = 'served' | 'expired' | 'denied';

/** What serving a media request needs from the simulation it belongs to. */
export interface MediaRequestHooks {
  /** The media faults' decision for this download. */
  fault(): MediaFaultEffect;
  /** Waits out a latency fault: false when the simulation ended meanwhile (the request then gets no answer). */
  hold(ms: number): Promise<boolean>;
  record(outcome: MediaOutcome): void;
  /** The file's bytes (rendered, or a placeholder). */
  content(creationId: string, variant: MediaVariant): Promise<Buffer>;
}

export type MediaVariant = 'video' | 'watermarked' | 'cover' | 'audio';

const SUFFIX: Record<MediaVariant, string> = { video: '.mp4', watermarked: '.wm.mp4', cover: '.png', audio: '.mp3' };
const VARIANT_OF_SUFFIX: Readonly<Record<string, MediaVariant>> = { '.mp4': 'video', '.wm.mp4': 'watermarked', '.png': 'cover', '.mp3': 'audio' };
const CONTENT_TYPE: Record<MediaVariant, string> = { video: 'video/mp4', watermarked: 'video/mp4', cover: 'image/png', audio: 'audio/mpeg' };
const MEDIA_PATH = /^\/media\/(\d+)(\.wm\.mp4|\.mp4|\.png|\.mp3)$/;

export class MediaSigner {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly baseUrl: string,
    private readonly ttlMs: number,
  ) {}

  url(creationId: string, variant: MediaVariant): string {
    const file = `${creationId}${SUFFIX[variant]}`;
    const expires = Date.now() + this.ttlMs;
    return `${this.baseUrl}/media/${file}?expires=${expires}&sig=${this.sign(file, expires)}`;
  }

  private sign(file: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${file}\n${expires}`).digest('base64url');
  }

  isMediaPath(url: URL): boolean {
    return url.pathname.startsWith('/media/');
  }

  /** Answers GET/HEAD /media/... (call it for paths `isMediaPath` accepts). */
  async serve(req: IncomingMessage, res: ServerResponse, url: URL, hooks: MediaRequestHooks): Promise<void> {
    const match = MEDIA_PATH.exec(url.pathname);
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) {
      hooks.record('denied');
      denied(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    const fault = hooks.fault();
    if (fault.latencyMs > 0 && !(await hooks.hold(fault.latencyMs))) {
      res.socket?.destroy();
      return;
    }
    const [, creationId, suffix] = match as unknown as [string, string, string];
    const file = `${creationId}${suffix}`;
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('sig') ?? '');
    const expected = Buffer.from(this.sign(file, expires));
    if (!Number.isFinite(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      hooks.record('denied');
      denied(res, 403, 'AccessDenied', 'The request signature we calculated does not match the signature you provided.');
      return;
    }
    if (Date.now() > expires || fault.expired) {
      hooks.record('expired');
      denied(res, 403, 'AccessDenied', 'Request has expired');
      return;
    }
    hooks.record('served');
    const variant = VARIANT_OF_SUFFIX[suffix]!;
    const body = await hooks.content(creationId, variant);
    sendFile(req, res, CONTENT_TYPE[variant], body);
  }
}

/** The file, or the one byte range asked for (206), with the validators a seeking player needs. */
function sendFile(req: IncomingMessage, res: ServerResponse, type: string, body: Buffer): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  const headers = { 'Content-Type': type, 'Accept-Ranges': 'bytes', ETag: etag, 'Cache-Control': 'private, max-age=60' };
  // If-Range: the range only holds for the version the client already has part of.
  const ifRange = req.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? answerRange(req.headers.range, body.length) : { kind: 'full' as const };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  if (range.kind === 'partial') {
    const part = body.subarray(range.start, range.end + 1);
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${body.length}`, 'Content-Length': part.length });
    res.end(req.method === 'HEAD' ? undefined : part);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function denied(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>\n`;
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(body);
}
