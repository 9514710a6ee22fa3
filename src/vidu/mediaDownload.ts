// Downloads of Vidu's media URLs (signed, short-lived URLs on Vidu's CDN):
// a streamed body with a byte limit and an idle timeout, redirects followed
// by the client's own agent, which connects only to global unicast addresses
// (src/notify/outboundGuard.ts) unless the setting for local testing says so.
import { Readable } from 'node:stream';
import { Agent, interceptors, type Dispatcher } from 'undici';
import { guardedConnector, hostAndPort, outboundRefusalIn } from '../notify/outboundGuard';
import { ViduAbortError, ViduApiError, ViduNetworkError, ViduResponseError } from './errors';
import { DEFAULT_TIMEOUT_MS, timeoutOption } from './timeouts';

export interface DownloadMediaOptions {
  signal?: AbortSignal;
  /** How long to wait for the headers, and then between body chunks. Default 30 s. */
  timeoutMs?: number;
  /** The body fails with a ViduResponseError once it exceeds this many bytes. */
  maxBytes?: number;
  /**
   * A dispatcher of the caller's own, used as given (no address check). Default:
   * the client's media agent, which connects only to global unicast addresses,
   * for the URL and every redirect (src/notify/outboundGuard.ts).
   */
  dispatcher?: Dispatcher;
  /** Private and loopback media hosts allowed too (VIDU_MEDIA_ALLOW_PRIVATE_HOSTS, for local testing). Default false. */
  allowPrivateHosts?: boolean;
  /** Origins whose media are fetched whatever they resolve to: the Vidu API's own (VIDU_BASE_URL), trusted by configuration. */
  trustedOrigins?: readonly string[];
}

/** The setting that lets media downloads reach private and loopback hosts. */
export const MEDIA_ESCAPE_SETTING = 'VIDU_MEDIA_ALLOW_PRIVATE_HOSTS';

export interface DownloadedMedia {
  contentType: string;
  /** Declared length, when the server sent one. */
  contentLength: number | undefined;
  body: Readable;
}

const MAX_REDIRECTIONS = 5;
const redirectingDispatchers = new WeakMap<Dispatcher, Dispatcher>();

/**
 * Downloads use an agent of their own, never undici's global dispatcher: any
 * library in the process may replace that (playwright-core installs its own,
 * older undici there, which the redirect interceptor cannot drive).
 */
const mediaAgents = new Map<string, Agent>();
function ownMediaAgent(allowPrivateHosts: boolean, trustedOrigins: readonly string[]): Agent {
  const trustedHosts = trustedOrigins.map(hostAndPort).filter((h): h is string => h !== undefined);
  const key = `${allowPrivateHosts}|${trustedHosts.join(',')}`;
  let agent = mediaAgents.get(key);
  if (!agent) {
    agent = new Agent({ connect: guardedConnector({ what: 'media url', escapeSetting: MEDIA_ESCAPE_SETTING, allowPrivateHosts, trustedHosts }) });
    mediaAgents.set(key, agent);
  }
  return agent;
}

// Media hosts (object stores, CDNs) may redirect; the API host never needs to.
function redirecting(base: Dispatcher): Dispatcher {
  let composed = redirectingDispatchers.get(base);
  if (!composed) {
    composed = base.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));
    redirectingDispatchers.set(base, composed);
  }
  return composed;
}

function limitBytes(source: AsyncIterable<Buffer>, maxBytes: number, endpoint: string, status: number): Readable {
  async function* limited() {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new ViduResponseError({ status, endpoint, issues: [{ field: '(body)', rule: `must be at most ${maxBytes} bytes` }] });
      }
      yield chunk;
    }
  }
  return Readable.from(limited(), { objectMode: false });
}

/**
 * Opens a Vidu creation URL (unauthenticated, usually on another host) for
 * streaming. The URL's query, which may carry a signature, is kept out of
 * errors. An expired URL answers 403 or 404: a ViduApiError with code
 * 'MediaUnavailable' (not retryable; query the task again for a fresh URL).
 * The host and every redirect's must be global unicast addresses (unless
 * `allowPrivateHosts`, or a trusted origin): else an OutboundAddressError
 * naming the host, the address and its range, before any connection is made.
 */
export async function downloadMedia(url: string, opts: DownloadMediaOptions = {}): Promise<DownloadedMedia> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new TypeError('media url must be an absolute http(s) URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`media url must use http or https (got "${target.protocol}")`);
  const endpoint = `GET ${target.origin}${target.pathname}`;
  const timeoutMs = timeoutOption(opts.timeoutMs, DEFAULT_TIMEOUT_MS);
  const { signal, maxBytes } = opts;
  if (signal?.aborted) throw new ViduAbortError(endpoint, signal.reason);
  let res: Dispatcher.ResponseData;
  try {
    const base = opts.dispatcher ?? ownMediaAgent(opts.allowPrivateHosts ?? false, opts.trustedOrigins ?? []);
    res = await redirecting(base).request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: 'GET',
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (err) {
    if (signal?.aborted) throw new ViduAbortError(endpoint, signal.reason);
    // A host (or a redirect's) that is not global unicast: no network failure, and final.
    const refusal = outboundRefusalIn(err);
    if (refusal) throw refusal;
    throw ViduNetworkError.fromCause(err, { endpoint, idempotent: true });
  }
  if (res.statusCode < 200 || res.statusCode > 299) {
    await res.body.dump().catch(() => undefined); // lets the connection be reused
    throw new ViduApiError({ status: res.statusCode, code: 'MediaUnavailable', viduMessage: '', endpoint });
  }
  const header = (name: string) => {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const declared = header('content-length');
  const contentLength = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  if (maxBytes !== undefined && contentLength !== undefined && contentLength > maxBytes) {
    // Destroying the body emits an abort error nobody else would listen for.
    res.body.on('error', () => undefined).destroy();
    throw new ViduResponseError({
      status: res.statusCode,
      endpoint,
      issues: [{ field: 'content-length', rule: `must be at most ${maxBytes} bytes (got ${contentLength})` }],
    });
  }
  const body = maxBytes === undefined ? res.body : limitBytes(res.body, maxBytes, endpoint, res.statusCode);
  return { contentType: header('content-type') ?? 'application/octet-stream', contentLength, body };
}
