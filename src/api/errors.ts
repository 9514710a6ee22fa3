// The API's one error shape, `{ error: { code, message, field? } }`, and the
// mapping from what the starter, Temporal and fastify throw to the contract's
// status codes. Route handlers throw; the error handler answers.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AdInputError, AdNotFoundError, AdRequestRejectedError } from '../starter/errors';
import { GRPC_STATUS } from '../temporal/grpcStatus';

export type ErrorCode =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'Unprocessable'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'RangeNotSatisfiable'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'InternalError';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/** An error whose status, code and message the client should see as they are. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** Headers the answer carries (e.g. Retry-After with a 429 or 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function badRequest(field: string, rule: string): ApiError {
  return new ApiError(400, 'BadRequest', `${field}: ${rule}`, field);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, 'NotFound', message);
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) } };
}

/** "/edits/0/prompt" -> "edits[0].prompt": the field as the caller wrote it. */
export function fieldFromPath(segments: ReadonlyArray<string | number>): string {
  let field = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) field += `[${segment}]`;
    else field += field === '' ? segment : `.${segment}`;
  }
  return field;
}

interface ValidationIssueLike {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** A failed zod schema (body, query or params) as one 400 naming every field and its rule. */
function fromValidation(issues: ValidationIssueLike[], context: string | undefined): ApiError {
  const named = issues.map((issue) => {
    const segments = issue.instancePath.split('/').filter((s) => s !== '');
    const unknownKeys = Array.isArray(issue.params?.keys) ? (issue.params.keys as string[]) : [];
    if (unknownKeys.length > 0) return { field: fieldFromPath([...segments, unknownKeys[0]!]), rule: 'is not a known field' };
    return { field: fieldFromPath(segments) || (context ?? 'body'), rule: issue.message ?? 'is invalid' };
  });
  return new ApiError(400, 'BadRequest', named.map((n) => `${n.field}: ${n.rule}`).join('; '), named[0]!.field);
}

/** The validator's reason, "field: rule", names the field; the "stage" field means the ad is not accepting this now. */
const STAGE_REFUSALS = [/^stage: /, /already finished/, /^takes are selected during review only/, /^no ad of campaign /, /^campaign \S+ is cancelled/];

/** The ad handle's own selection check speaks in sentences; these name its field. */
const SENTENCE_FIELDS: Array<[RegExp, string]> = [
  [/^take /, 'takeId'],
  [/^there is no storyboard /, 'storyboardIndex'],
  [/^the ad has no \w+ takes/, 'kind'],
];

/** "ad budget maxCredits=700: 601 reserved or spent, ...": the request is well formed, the ad's budget has no room for it. */
const BUDGET_REFUSAL = /^ad budget maxCredits=\d+: /;

function fromRejection(err: AdRequestRejectedError): ApiError {
  const reason = err.reason;
  if (STAGE_REFUSALS.some((pattern) => pattern.test(reason))) return new ApiError(409, 'Conflict', reason, 'stage');
  if (BUDGET_REFUSAL.test(reason)) return new ApiError(409, 'Conflict', reason, 'maxCredits');
  const field = /^([\w.[\]]+): /.exec(reason)?.[1] ?? SENTENCE_FIELDS.find(([pattern]) => pattern.test(reason))?.[1];
  return new ApiError(422, 'Unprocessable', reason, field);
}

function grpcCodes(err: unknown): number[] {
  const codes: number[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') codes.push(code);
  }
  return codes;
}

/** Temporal could not be reached (or did not answer in time): the client may try again later. */
export function isTemporalUnavailable(err: unknown): boolean {
  return grpcCodes(err).some((code) => code === GRPC_STATUS.UNAVAILABLE || code === GRPC_STATUS.DEADLINE_EXCEEDED);
}

/** Any error thrown while answering, as the ApiError the client sees. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) return fromValidation(err.validation, (err as FastifyError).validationContext);
  if (err instanceof AdInputError) {
    return new ApiError(400, 'BadRequest', err.issues.map((i) => `${i.field}: ${i.rule}`).join('; '), err.issues[0]?.field);
  }
  if (err instanceof AdNotFoundError) return notFound(err.message);
  if (err instanceof AdRequestRejectedError) return fromRejection(err);
  if ((err as FastifyError | undefined)?.code === 'FST_ERR_HANDLER_TIMEOUT') {
    // fastify's handlerTimeout (API_REQUEST_TIMEOUT_MS): the work may still finish; an operator request repeated with its requestId gets its answer.
    return new ApiError(503, 'ServiceUnavailable', 'the request was not answered in time (API_REQUEST_TIMEOUT_MS); try again (an operator request with the same requestId is not sent twice)', undefined, { 'retry-after': '5' });
  }
  if (isTemporalUnavailable(err)) return new ApiError(503, 'ServiceUnavailable', 'Temporal is unreachable; try again shortly');
  const status = (err as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's own refusals: an unparsable or oversized body, an unsupported content type.
    const code: ErrorCode =
      status === 413 ? 'PayloadTooLarge' : status === 415 ? 'UnsupportedMediaType' : status === 404 ? 'NotFound' : status === 401 ? 'Unauthorized' : 'BadRequest';
    return new ApiError(status, code, (err as Error).message);
  }
  return new ApiError(500, 'InternalError', 'internal error');
}

export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(err);
  if (apiError.statusCode >= 500) request.log.error({ err }, 'request failed');
  if (apiError.headers) reply.headers(apiError.headers);
  return reply.code(apiError.statusCode).type('application/json; charset=utf-8').send(errorBody(apiError));
}
