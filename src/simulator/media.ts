// Media URLs behave like signed S3 URLs: no Authorization header, an expiry in
// the query and an HMAC over file and expiry. Once expired (or tampered with)
// they answer 403 AccessDenied, so clients must re-query /creations for fresh ones.
// A signed URL looks like `<base>/media/<creation id>.mp4?expires=<epoch ms>&sig=<base64url>`.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaFaultEffect } from './faults';
import { mp3Bytes, mp4Bytes, pngBytes } from './mediaBytes';

/** How one media request ended, for the counters. */
export type MediaOutcome = 'served' | 'expired' | 'denied';

/** What serving a media request needs from the simulation it belongs to. */
export interface MediaRequestHooks {
  /** The media faults' decision for this download. */
  fault(): MediaFaultEffect;
  /** Waits out a latency fault: false when the simulation ended meanwhile (the request then gets no answer). */
  hold(ms: number): Promise<boolean>;
  record(outcome: MediaOutcome): void;
}

export type MediaVariant = 'video' | 'watermarked' | 'cover' | 'audio';

const SUFFIX: Record<MediaVariant, string> = { video: '.mp4', watermarked: '.wm.mp4', cover: '.png', audio: '.mp3' };
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
    const [type, body] = content(suffix, creationId);
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'private, max-age=60' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function content(suffix: string, creationId: string): [string, Buffer] {
  switch (suffix) {
    case '.png':
      return ['image/png', pngBytes(creationId)];
    case '.mp3':
      return ['audio/mpeg', mp3Bytes(creationId)];
    case '.wm.mp4':
      return ['video/mp4', mp4Bytes(`${creationId}:watermarked`)];
    default:
      return ['video/mp4', mp4Bytes(creationId)];
  }
}

function denied(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>\n`;
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(body);
}
