// Reading request bodies and writing JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VIDU_LIMITS } from '../vidu/requestValidation';
import { ApiError, badRequest, errorBody } from './errors';

/** Vidu: "The post body of the HTTP request should not exceed 20MB"; the same figure as the client's. */
export const MAX_BODY_BYTES: number = VIDU_LIMITS.maxBodyBytes;

/**
 * A body over the limit. It is left unread from the limit on, so its answer
 * closes the connection: what is still on the wire cannot be taken for the
 * next request.
 */
export class BodyTooLargeError extends ApiError {
  constructor(limit: number) {
    super(400, 'BadRequest', `the request body exceeds ${limit} bytes (${limit / 1_000_000} MB)`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the body as text. Past `limit` bytes it stops reading (a huge or
 * endless upload costs neither memory nor time) and rejects with a
 * BodyTooLargeError.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      req.pause();
      reject(new BodyTooLargeError(limit));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Parses a body read by readBody; an empty body is `undefined`. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

/** `closeConnection`: node ends the connection once the answer is sent (`Connection: close`). */
export function sendJson(res: ServerResponse, status: number, body: unknown, closeConnection = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...(closeConnection ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (error instanceof ApiError) {
    sendJson(res, error.status, errorBody(error.status, error.code, error.message), error instanceof BodyTooLargeError);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, errorBody(500, 'InternalServiceFailure', message));
}
