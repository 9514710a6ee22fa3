// Reading request bodies and writing JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, errorBody } from './errors';

/** Vidu: "The post body of the HTTP request should not exceed 20MB". */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * Reads the whole body. An oversized body is still read to its end (and
 * discarded) so that the client gets our 400 instead of a broken pipe.
 */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return { text: size > limit ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge: size > limit };
}

/** Parses a body read by readBody; an empty body is `undefined`. */
export function parseJson({ text, tooLarge }: { text: string; tooLarge: boolean }): unknown {
  if (tooLarge) throw badRequest(`the request body exceeds ${MAX_BODY_BYTES} bytes (20 MB)`);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (error instanceof ApiError) {
    sendJson(res, error.status, errorBody(error.status, error.code, error.message));
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, errorBody(500, 'InternalServiceFailure', message));
}
