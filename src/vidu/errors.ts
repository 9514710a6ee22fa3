// The error types of the Vidu client. Each carries `retryable`, so the
// activity layer can decide between "retry with backoff" and "fail now"
// without knowing HTTP details. The API key never goes into an error: the
// client redacts server-supplied text before it reaches a message.
import type { ViduErrorBody } from './apiTypes';

/** Codes docs/vidu-api.md ("Errors") marks as "retry later"; every 429 and every 5xx is retryable as well. */
const RETRYABLE_400_CODES = new Set(['OperationInProcess']);

/** Replaces every occurrence of `secret` in `text`; a no-op when there is no secret. */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/** `['images', 2, 'url']` -> `images[2].url`; an empty path is named `whole`. */
export function fieldPath(path: readonly PropertyKey[], whole = '(request)'): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || whole;
}

/** Vidu's error body is undocumented JSON, or sometimes not JSON at all (a proxy's HTML page). */
export function parseViduErrorBody(text: string): ViduErrorBody | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ViduErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

export function isRetryableStatus(status: number, code: string): boolean {
  if (status === 429 || status >= 500) return true;
  return status === 400 && RETRYABLE_400_CODES.has(code);
}

/** Vidu (or a media host) answered with a non-2xx status. */
export class ViduApiError extends Error {
  override readonly name = 'ViduApiError';
  readonly status: number;
  /** Vidu's code: body `reason`, else a string `code`, else the HTTP status as a string. */
  readonly code: string;
  /** The human message from the body ('' when there was none). */
  readonly viduMessage: string;
  readonly traceId: string | undefined;
  /** `METHOD /path` of the call (media downloads: without the query, which may hold a signature). */
  readonly endpoint: string;
  readonly retryable: boolean;

  constructor(init: { status: number; code: string; viduMessage: string; traceId?: string; endpoint: string; retryable?: boolean }) {
    const trace = init.traceId ? ` (trace_id ${init.traceId})` : '';
    const detail = init.viduMessage ? `: ${init.viduMessage}` : '';
    super(`Vidu ${init.endpoint} answered HTTP ${init.status} ${init.code}${detail}${trace}`);
    this.status = init.status;
    this.code = init.code;
    this.viduMessage = init.viduMessage;
    this.traceId = init.traceId;
    this.endpoint = init.endpoint;
    this.retryable = init.retryable ?? isRetryableStatus(init.status, init.code);
  }

  /** Builds the error from a response body, whatever it looks like; `secret` is scrubbed from every text taken from it. */
  static fromResponse(init: { status: number; bodyText: string; endpoint: string; secret?: string }): ViduApiError {
    const body = parseViduErrorBody(init.bodyText);
    const scrub = (text: string) => redactSecret(text, init.secret);
    let code = String(init.status);
    if (typeof body?.reason === 'string' && body.reason) code = body.reason;
    else if (typeof body?.code === 'string' && body.code) code = body.code;
    let message = '';
    if (typeof body?.message === 'string') message = body.message;
    else if (!body) message = init.bodyText.trim().slice(0, 200);
    const traceId = typeof body?.metadata?.trace_id === 'string' ? body.metadata.trace_id : undefined;
    return new ViduApiError({
      status: init.status,
      code: scrub(code),
      viduMessage: scrub(message),
      traceId: traceId === undefined ? undefined : scrub(traceId),
      endpoint: init.endpoint,
    });
  }
}

/**
 * Whether the request reached Vidu. 'not-sent': the connection was never made,
 * so repeating the call cannot duplicate anything. 'unknown': the request may
 * have been processed (for a create, a task may exist and be billed).
 */
export type NetworkOutcome = 'not-sent' | 'unknown';

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  // The pool was closed before the request was dispatched.
  'UND_ERR_CLOSED',
]);

function errorCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // Node's happy-eyeballs connect rejects with an AggregateError of per-address failures.
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const code = errorCode(inner);
      if (code) return code;
    }
  }
  return errorCode((err as { cause?: unknown }).cause);
}

/** Maps a low-level failure to its outcome; anything unrecognised counts as 'unknown' (the safe answer). */
export function classifyNetworkFailure(err: unknown): { outcome: NetworkOutcome; code: string } {
  const code = errorCode(err) ?? 'UNKNOWN';
  return { outcome: NOT_SENT_CODES.has(code) ? 'not-sent' : 'unknown', code };
}

/** The call failed below HTTP: no status was received. */
export class ViduNetworkError extends Error {
  override readonly name = 'ViduNetworkError';
  readonly outcome: NetworkOutcome;
  /** The underlying code, e.g. ECONNREFUSED or UND_ERR_HEADERS_TIMEOUT; DEADLINE_EXCEEDED for the client's per-call deadline. */
  readonly code: string;
  readonly endpoint: string;
  /** True when the request was never sent, or when repeating it is harmless (GET, cancel). */
  readonly retryable: boolean;

  constructor(init: { outcome: NetworkOutcome; code: string; endpoint: string; idempotent: boolean; detail: string; cause?: unknown }) {
    const what = init.outcome === 'not-sent' ? 'failed before the request was sent' : 'failed after the request may have been sent';
    super(`Vidu ${init.endpoint} ${what} (${init.code}): ${init.detail}`, { cause: init.cause });
    this.outcome = init.outcome;
    this.code = init.code;
    this.endpoint = init.endpoint;
    this.retryable = init.outcome === 'not-sent' || init.idempotent;
  }

  /**
   * `responded`: headers had arrived when the failure happened, so the request
   * certainly reached the server whatever the low-level code says.
   */
  static fromCause(cause: unknown, init: { endpoint: string; idempotent: boolean; responded?: boolean; secret?: string }): ViduNetworkError {
    const classified = classifyNetworkFailure(cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new ViduNetworkError({
      outcome: init.responded ? 'unknown' : classified.outcome,
      code: classified.code,
      endpoint: init.endpoint,
      idempotent: init.idempotent,
      detail: redactSecret(detail, init.secret),
      cause,
    });
  }

  /**
   * The call's overall deadline passed. Only the client's own timer fired, so
   * nothing says how far the request got: the outcome is 'unknown' (a create
   * may have been made), and only an idempotent call may be retried.
   */
  static deadlineExceeded(init: { endpoint: string; idempotent: boolean; deadlineMs: number }): ViduNetworkError {
    return new ViduNetworkError({
      outcome: 'unknown',
      code: 'DEADLINE_EXCEEDED',
      endpoint: init.endpoint,
      idempotent: init.idempotent,
      detail: `no complete response within the call's deadline of ${init.deadlineMs} ms`,
    });
  }
}

/** The caller aborted the call through its AbortSignal. `name` is 'AbortError', as for fetch. */
export class ViduAbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
  readonly endpoint: string;
  /** The signal's reason, untouched (also available as `cause`). */
  readonly reason: unknown;
  readonly retryable = false;

  constructor(endpoint: string, reason: unknown) {
    const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    super(`Vidu ${endpoint} was aborted: ${why}`, { cause: reason });
    this.endpoint = endpoint;
    this.reason = reason;
  }
}

export interface ValidationIssue {
  field: string;
  rule: string;
}

/** A request broke a documented rule; nothing was sent. */
export class ViduValidationError extends Error {
  override readonly name = 'ViduValidationError';
  readonly issues: ValidationIssue[];
  readonly retryable = false;

  constructor(what: string, issues: ValidationIssue[]) {
    super(`invalid ${what}: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
    this.issues = issues;
  }
}

/** A 2xx response whose body lacks, or mistypes, a field this project uses. */
export class ViduResponseError extends Error {
  override readonly name = 'ViduResponseError';
  readonly status: number;
  readonly endpoint: string;
  /** The first offending field, e.g. `data_records.storyboards[0].records[1].id`. */
  readonly field: string;
  readonly issues: ValidationIssue[];
  // A body of the wrong shape is not a transient condition; retrying would read it again.
  readonly retryable = false;

  constructor(init: { status: number; endpoint: string; issues: ValidationIssue[] }) {
    const listed = init.issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
    super(`Vidu ${init.endpoint} answered HTTP ${init.status} with an unexpected body: ${listed}`);
    this.status = init.status;
    this.endpoint = init.endpoint;
    this.issues = init.issues;
    this.field = init.issues[0]?.field ?? '(body)';
  }
}

export type ViduError = ViduApiError | ViduNetworkError | ViduAbortError | ViduValidationError | ViduResponseError;

export function isViduError(err: unknown): err is ViduError {
  return (
    err instanceof ViduApiError ||
    err instanceof ViduNetworkError ||
    err instanceof ViduAbortError ||
    err instanceof ViduValidationError ||
    err instanceof ViduResponseError
  );
}

/** True only for errors of this module that say so; anything else (a bug, an abort) is not retried. */
export function isRetryableViduError(err: unknown): boolean {
  return isViduError(err) && err.retryable;
}
