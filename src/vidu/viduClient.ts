// The HTTP client for Vidu's Ad One-Click API. Requests are validated before
// they are sent, responses are checked against the schemas, and every failure
// becomes one of the error types in `errors.ts`, which say whether a retry is
// safe. Network failures say whether the request may have reached Vidu: a
// create that timed out after being sent may have made (and billed) a task.
import { Readable } from 'node:stream';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  VIDU_PATHS,
  type AdSubRecords,
  type ComposeRequest,
  type ComposeResponse,
  type CreateAdRequest,
  type CreateAdResponse,
  type CreditsResponse,
  type EditRequest,
  type EditResponse,
  type TaskCreations,
} from './apiTypes';
import { ViduAbortError, ViduApiError, ViduNetworkError, ViduResponseError } from './errors';
import { jsonBody } from './jsonBody';
import { DEFAULT_TIMEOUT_MS, timeoutOption } from './timeouts';
import { validateComposeRequest, validateCreateAdRequest, validateEditRequest, validateTaskId } from './requestValidation';
import {
  adSubRecordsSchema,
  composeResponseSchema,
  createAdResponseSchema,
  creditsResponseSchema,
  editResponseSchema,
  parseResponseBody,
  taskCreationsSchema,
} from './schemas';

const DEFAULT_CONNECTIONS = 10;
// Connecting is quick or hopeless; waiting longer only delays a safe retry.
const MAX_CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 30_000;
/** Bodies up to this size go as one buffer; larger ones (images) are streamed. */
const STREAMED_BODY_MIN_BYTES = 256 * 1024;

export interface ViduClientOptions {
  /** e.g. https://api.vidu.com or https://api.vidu.cn; a path prefix is kept. */
  baseUrl: string;
  apiKey: string;
  /**
   * Per call, an idle timeout: how long to wait for the response headers, and
   * then between body chunks. A stalled connection fails after this long with
   * undici's precise code (UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT). Default 30 s.
   */
  timeoutMs?: number;
  /**
   * Per call, the most the whole call may take (a server trickling its body
   * never trips the idle timeout). Default twice the call's `timeoutMs`, so a
   * plain stall is still reported by the idle timeout first (undici's idle
   * timers tick about once a second: with a sub-second `timeoutMs` the
   * deadline may come first). Exceeding it is a ViduNetworkError with code
   * DEADLINE_EXCEEDED and outcome 'unknown' (retryable only for idempotent calls).
   */
  deadlineMs?: number;
  /** Keep-alive connections to Vidu. Default 10. */
  connections?: number;
  /** A dispatcher to use instead of the client's own pool (not closed by `close()`). */
  dispatcher?: Dispatcher;
  /** Told about every call once it has its answer or failed (metrics); an observer that throws is ignored. */
  observer?: ViduCallObserver;
}

/** The client's operations, named as they are in `ViduCallEvent.operation`. */
export type ViduOperation = 'createAd' | 'getCreations' | 'getAdSubRecords' | 'edit' | 'compose' | 'cancelTask' | 'getCredits';

export interface ViduCallEvent {
  operation: ViduOperation;
  /** The HTTP status as text ("200", "429"), or why there is none: "network_error", "deadline", "aborted", "not_sent". */
  status: string;
  /** From sending the request to reading the whole answer (or the failure). */
  seconds: number;
}

export type ViduCallObserver = (call: ViduCallEvent) => void;

export interface ViduCallOptions {
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Overrides the client's `deadlineMs` for this call (default: the client's, else twice this call's `timeoutMs`). */
  deadlineMs?: number;
}

export interface ComposeCallOptions extends ViduCallOptions {
  /** The main task's number of storyboards; when given, `video_task_ids` must hold one id per storyboard. */
  storyboardCount?: number;
}

interface CallSpec {
  operation: ViduOperation;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Whether sending the request twice is harmless (decides retry after an unclear network failure). */
  idempotent: boolean;
}

interface RawResponse {
  status: number;
  text: string;
}


const DEADLINE_PER_TIMEOUT = 2;

// The API's tracer: a no-op until src/tracing.ts registers a provider (OTEL_* settings).
const viduTracer = trace.getTracer('vidu-ad-orchestrator/vidu-client');

export class ViduClient {
  readonly #origin: string;
  readonly #pathPrefix: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  /** Undefined: twice each call's timeoutMs. */
  readonly #deadlineMs: number | undefined;
  readonly #observer: ViduCallObserver | undefined;
  #closed = false;

  constructor(opts: ViduClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.baseUrl);
    } catch {
      throw new TypeError(`baseUrl must be an absolute http(s) URL (got "${opts.baseUrl}")`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`baseUrl must use http or https (got "${base.protocol}")`);
    if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '') throw new TypeError('apiKey must be a non-empty string');
    this.#origin = base.origin;
    this.#pathPrefix = base.pathname.replace(/\/+$/, '');
    this.#apiKey = opts.apiKey;
    this.#timeoutMs = timeoutOption(opts.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.#deadlineMs = opts.deadlineMs === undefined ? undefined : timeoutOption(opts.deadlineMs, 0, 'deadlineMs');
    this.#observer = opts.observer;
    this.#ownsDispatcher = opts.dispatcher === undefined;
    this.#dispatcher =
      opts.dispatcher ??
      new Pool(this.#origin, {
        connections: opts.connections ?? DEFAULT_CONNECTIONS,
        keepAliveTimeout: KEEP_ALIVE_MS,
        connect: { timeout: Math.min(this.#timeoutMs, MAX_CONNECT_TIMEOUT_MS) },
      });
  }

  /** The API's origin (scheme, host, port): media it serves itself are fetched as trusted as its answers. */
  get origin(): string {
    return this.#origin;
  }

  /** POST /ent/v2/ad-one-click: starts an ad film (spends credits). */
  async createAd(req: CreateAdRequest, opts?: ViduCallOptions): Promise<CreateAdResponse> {
    const body = validateCreateAdRequest(req);
    return this.#call({ operation: 'createAd', method: 'POST', path: VIDU_PATHS.createAd, body, idempotent: false }, createAdResponseSchema, opts);
  }

  /** GET /ent/v2/tasks/{id}/creations: state, progress and results of the main task or any sub-task. */
  async getCreations(taskId: string, opts?: ViduCallOptions): Promise<TaskCreations> {
    const path = VIDU_PATHS.creations(validateTaskId(taskId));
    return this.#call({ operation: 'getCreations', method: 'GET', path, idempotent: true }, taskCreationsSchema, opts);
  }

  /** GET /ent/v2/ad-one-click/{id}: storyboards, narration, bgm and compose records, `storyboard_id` normalised. */
  async getAdSubRecords(taskId: string, opts?: ViduCallOptions): Promise<AdSubRecords> {
    const path = VIDU_PATHS.adSubRecords(validateTaskId(taskId));
    return this.#call({ operation: 'getAdSubRecords', method: 'GET', path, idempotent: true }, adSubRecordsSchema, opts);
  }

  /** POST /ent/v2/ad-one-click/edit: a new take of a storyboard, the narration or the bgm (spends credits). */
  async edit(req: EditRequest, opts?: ViduCallOptions): Promise<EditResponse> {
    const body = validateEditRequest(req);
    return this.#call({ operation: 'edit', method: 'POST', path: VIDU_PATHS.edit, body, idempotent: false }, editResponseSchema, opts);
  }

  /** POST /ent/v2/ad-one-click/compose: renders the selected takes into one film. */
  async compose(req: ComposeRequest, opts?: ComposeCallOptions): Promise<ComposeResponse> {
    const body = validateComposeRequest(req, { storyboardCount: opts?.storyboardCount });
    return this.#call({ operation: 'compose', method: 'POST', path: VIDU_PATHS.compose, body, idempotent: false }, composeResponseSchema, opts);
  }

  /** POST /ent/v2/tasks/{id}/cancel. Cancelling twice changes nothing, so it is retried like a GET. */
  async cancelTask(taskId: string, opts?: ViduCallOptions): Promise<void> {
    const path = VIDU_PATHS.cancel(validateTaskId(taskId));
    await this.#send({ operation: 'cancelTask', method: 'POST', path, body: {}, idempotent: true }, opts);
  }

  /** GET /ent/v2/credits: remaining credits and the organisation's concurrency figures. */
  async getCredits(opts?: ViduCallOptions): Promise<CreditsResponse> {
    return this.#call({ operation: 'getCredits', method: 'GET', path: VIDU_PATHS.credits, idempotent: true }, creditsResponseSchema, opts);
  }

  /** Closes the client's own connection pool; calls made afterwards fail as not sent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #call<T>(spec: CallSpec, schema: z.ZodType<T>, opts: ViduCallOptions | undefined): Promise<T> {
    const endpoint = `${spec.method} ${spec.path}`;
    const response = await this.#send(spec, opts);
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new ViduResponseError({ status: response.status, endpoint, issues: [{ field: '(body)', rule: 'must be JSON' }] });
    }
    const parsed = parseResponseBody(schema, json);
    if (!parsed.ok) throw new ViduResponseError({ status: response.status, endpoint, issues: parsed.issues });
    return parsed.value;
  }

  /**
   * Sends one request; resolves with a 2xx response's text, throws a Vidu error for everything else.
   * Each call is a span (under the activity's, when tracing is on; a no-op otherwise) holding the
   * operation, the method and the status: never the key, a body or a URL.
   */
  async #send(spec: CallSpec, opts: ViduCallOptions | undefined): Promise<RawResponse> {
    return viduTracer.startActiveSpan(`vidu ${spec.operation}`, { kind: SpanKind.CLIENT, attributes: { 'vidu.endpoint': spec.operation, 'http.request.method': spec.method } }, async (span) => {
      const started = process.hrtime.bigint();
      let status = 'network_error';
      try {
        const response = await this.#sendOnce(spec, opts);
        status = String(response.status);
        return response;
      } catch (err) {
        status = callStatusOf(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
        throw err;
      } finally {
        span.setAttribute('vidu.status', status);
        if (/^\d+$/.test(status)) span.setAttribute('http.response.status_code', Number(status));
        span.end();
        try {
          this.#observer?.({ operation: spec.operation, status, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
        } catch {
          // Metrics must never fail a call.
        }
      }
    });
  }

  async #sendOnce(spec: CallSpec, opts: ViduCallOptions | undefined): Promise<RawResponse> {
    const endpoint = `${spec.method} ${spec.path}`;
    const signal = opts?.signal;
    const timeoutMs = timeoutOption(opts?.timeoutMs, this.#timeoutMs);
    const deadlineMs = timeoutOption(opts?.deadlineMs, this.#deadlineMs ?? timeoutMs * DEADLINE_PER_TIMEOUT, 'deadlineMs');
    if (signal?.aborted) throw new ViduAbortError(endpoint, signal.reason);
    if (this.#closed) {
      throw new ViduNetworkError({ outcome: 'not-sent', code: 'CLIENT_CLOSED', endpoint, idempotent: spec.idempotent, detail: 'the client was closed' });
    }
    // One signal for undici that the caller's abort and the deadline both fire;
    // which of them fired decides the error (an abort is the caller's choice,
    // a deadline is a failure that may be retried).
    const stop = new AbortController();
    const forwardAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    let deadlinePassed = false;
    const deadline = setTimeout(() => {
      deadlinePassed = true;
      stop.abort(new Error(`deadline of ${deadlineMs} ms passed`));
    }, deadlineMs);
    let responded = false;
    let response: RawResponse;
    const body = spec.body === undefined ? undefined : jsonBody(spec.body);
    try {
      const res = await this.#dispatcher.request({
        origin: this.#origin,
        path: this.#pathPrefix + spec.path,
        method: spec.method,
        headers: {
          authorization: `Token ${this.#apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          ...(body && { 'content-length': String(body.byteLength) }),
        },
        // A large body (a create request's images) is streamed from its parts, never joined into one string or buffer.
        body: body && (body.byteLength <= STREAMED_BODY_MIN_BYTES ? Buffer.concat([...body.chunks()]) : Readable.from(body.chunks(), { objectMode: false })),
        signal: stop.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      responded = true;
      response = { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      if (signal?.aborted) throw new ViduAbortError(endpoint, signal.reason);
      if (deadlinePassed) throw ViduNetworkError.deadlineExceeded({ endpoint, idempotent: spec.idempotent, deadlineMs });
      throw ViduNetworkError.fromCause(err, { endpoint, idempotent: spec.idempotent, responded, secret: this.#apiKey });
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', forwardAbort);
    }
    if (response.status < 200 || response.status > 299) {
      throw ViduApiError.fromResponse({ status: response.status, bodyText: response.text, endpoint, secret: this.#apiKey });
    }
    return response;
  }
}

/** The `status` of a failed call: Vidu's HTTP status when it answered, else what kept the answer away. */
function callStatusOf(err: unknown): string {
  if (err instanceof ViduApiError || err instanceof ViduResponseError) return String(err.status);
  if (err instanceof ViduAbortError) return 'aborted';
  if (err instanceof ViduNetworkError) {
    if (err.code === 'DEADLINE_EXCEEDED') return 'deadline';
    return err.outcome === 'not-sent' ? 'not_sent' : 'network_error';
  }
  return 'network_error';
}

export { DEFAULT_TIMEOUT_MS } from './timeouts';
export { downloadMedia, MEDIA_ESCAPE_SETTING, type DownloadedMedia, type DownloadMediaOptions } from './mediaDownload';
