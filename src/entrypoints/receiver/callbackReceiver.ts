// The webhook receiver: takes Vidu's callbacks over HTTP and hands each one,
// verified, to the ad workflow named in the callback URL's (signed) query.
// Per request, in this order: size limit (413), signature and Date window
// (401), nonce not seen recently (a replay is acknowledged with 200 and
// dropped), body parse (400), then the signal. It answers 200 once Temporal
// has accepted the signal, 503 when Temporal is unreachable, slow or
// overloaded (so Vidu retries), and 202 when retrying could never succeed (so
// Vidu is told to stop): a workflow that does not exist or has finished, or
// any other refusal from Temporal (see signalFailure.ts).
//
// It keeps no state that matters: run as many copies as you like behind a
// load balancer. Each copy's nonce cache is its own; a replay that lands on
// another copy reaches the workflow, which ignores duplicates and confirms
// every final state with Vidu's query API anyway.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { verifyCallbackSignature } from '../../vidu/callbackSignature';
import { viduCallbackSignal, type ViduCallbackSignal } from '../../workflows/messages';
import { ReceiverMetrics, type CallbackOutcome } from './metrics';
import { NonceCache } from './nonceCache';
import { readBody } from './readBody';
import { classifySignalFailure } from './signalFailure';

export interface CallbackReceiverOptions {
  client: Client;
  /** The Vidu API key that created the tasks: it keys the callback signature. */
  apiKey: string;
  /** CALLBACK_PUBLIC_URL, the URL Vidu was given: its path is part of what Vidu signs. */
  publicUrl: string;
  /** Path this server takes callbacks on (differs from the public path only behind a rewriting proxy). Default: the public URL's path. */
  path?: string;
  maxSkewSeconds: number;
  maxBodyBytes: number;
  /** How long a delivered nonce is remembered. Default: twice the Date window (the span in which a copy would pass the Date check). */
  nonceTtlMs?: number;
  /** Longest wait for Temporal to accept a signal before answering 503. Default 10 s. */
  temporalTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface CallbackReceiver {
  server: http.Server;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  metricsText(): string;
  metrics: ReceiverMetrics;
}

interface Answer {
  status: number;
  outcome?: CallbackOutcome;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  closeConnection?: boolean;
}

const MAX_WORKFLOW_ID_CHARS = 1000;

function send(res: ServerResponse, answer: Pick<Answer, 'status' | 'body' | 'headers' | 'closeConnection'>): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(answer.closeConnection ? { connection: 'close' } : {}),
    ...answer.headers,
  });
  res.end(text);
}

/** The raw query exactly as sent: Vidu signs the characters, so nothing may be re-encoded. */
function rawQueryOf(requestUrl: string): string {
  const at = requestUrl.indexOf('?');
  return at < 0 ? '' : requestUrl.slice(at + 1);
}

function parseCallbackBody(body: Buffer): { ok: true; value: ViduCallbackSignal['body'] } | { ok: false; detail: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { ok: false, detail: `body is not valid JSON (${(err as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, detail: 'body must be a JSON object' };
  const value = parsed as Record<string, unknown>;
  for (const field of ['id', 'task_id', 'state'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') return { ok: false, detail: `${field} must be a string` };
  }
  if (value.progress !== undefined && typeof value.progress !== 'number') return { ok: false, detail: 'progress must be a number' };
  if (!value.id && !value.task_id) return { ok: false, detail: 'body must name its task in id or task_id' };
  return { ok: true, value: value as ViduCallbackSignal['body'] };
}

export function createCallbackReceiver(options: CallbackReceiverOptions): CallbackReceiver {
  const publicUrl = new URL(options.publicUrl);
  const signedBase = `${publicUrl.origin}${publicUrl.pathname}`;
  const callbackPath = options.path ?? publicUrl.pathname;
  const maxSkewMs = options.maxSkewSeconds * 1000;
  const nonces = new NonceCache({ ttlMs: options.nonceTtlMs ?? 2 * maxSkewMs });
  const temporalTimeoutMs = options.temporalTimeoutMs ?? 10_000;
  const metrics = new ReceiverMetrics();
  const log = options.log ?? ((line: string) => console.error(line));
  const { client } = options;

  async function handleCallback(req: IncomingMessage): Promise<Answer> {
    const body = await readBody(req, options.maxBodyBytes);
    if (!body.ok) {
      return {
        status: 413,
        outcome: 'too_large',
        body: { error: 'payload too large', limitBytes: options.maxBodyBytes },
        closeConnection: body.abandon,
      };
    }

    const rawQuery = rawQueryOf(req.url ?? '');
    const verified = verifyCallbackSignature({
      apiKey: options.apiKey,
      method: req.method ?? 'POST',
      callbackUrl: rawQuery ? `${signedBase}?${rawQuery}` : signedBase,
      headers: req.headers,
      maxSkewMs,
    });
    if (!verified.ok) {
      metrics.recordRejection(verified.reason);
      return { status: 401, outcome: 'unauthorized', body: { error: verified.reason, detail: verified.detail } };
    }

    if (nonces.has(verified.nonce)) return { status: 200, outcome: 'replayed', body: { ignored: 'replayed nonce' } };

    const workflowId = new URLSearchParams(rawQuery).get('workflowId');
    if (!workflowId || workflowId.length > MAX_WORKFLOW_ID_CHARS) {
      return { status: 400, outcome: 'bad_request', body: { error: 'bad request', detail: 'the callback URL has no valid workflowId query parameter' } };
    }
    const parsed = parseCallbackBody(body.body);
    if (!parsed.ok) return { status: 400, outcome: 'bad_request', body: { error: 'bad request', detail: parsed.detail } };

    try {
      await client.withDeadline(Date.now() + temporalTimeoutMs, () =>
        client.workflow.getHandle(workflowId).signal(viduCallbackSignal, { body: parsed.value, nonce: verified.nonce }),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        nonces.remember(verified.nonce);
        return { status: 202, outcome: 'workflow_not_found', body: { ignored: 'workflow not found or already finished', workflowId } };
      }
      const failure = classifySignalFailure(err);
      if (failure.kind === 'transient') {
        const detail = (err as Error).message;
        return { status: 503, outcome: 'temporal_unavailable', body: { error: 'temporal unavailable', detail }, headers: { 'retry-after': '5' } };
      }
      if (failure.kind === 'rejected') {
        nonces.remember(verified.nonce);
        return { status: 202, outcome: 'rejected_by_temporal', body: { ignored: `temporal rejected the signal: ${failure.reason}`, workflowId } };
      }
      throw err;
    }
    nonces.remember(verified.nonce);
    return { status: 200, outcome: 'delivered', body: { delivered: true, workflowId } };
  }

  async function handleReadiness(): Promise<Answer> {
    try {
      await client.withDeadline(Date.now() + Math.min(temporalTimeoutMs, 5_000), () => client.workflowService.getSystemInfo({}));
      return { status: 200, body: { status: 'ready' } };
    } catch (err) {
      return { status: 503, body: { status: 'not ready', detail: `Temporal is not reachable: ${(err as Error).message}` } };
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    const isRead = method === 'GET' || method === 'HEAD';
    if (path === callbackPath) {
      if (method !== 'POST') return send(res, { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'POST' } });
      const started = process.hrtime.bigint();
      let answer: Answer;
      try {
        answer = await handleCallback(req);
      } catch (err) {
        answer = { status: 500, outcome: 'error', body: { error: 'internal error' } };
        log(`callback failed: ${(err as Error).stack ?? String(err)}`);
      }
      const outcome = answer.outcome ?? 'error';
      metrics.recordCallback(outcome, Number(process.hrtime.bigint() - started) / 1e9);
      if (outcome !== 'delivered' && outcome !== 'error') log(`callback ${outcome} (${answer.status}): ${JSON.stringify(answer.body)}`);
      return send(res, answer);
    }
    if (path === '/healthz' && isRead) return send(res, { status: 200, body: { status: 'ok' } });
    if (path === '/readyz' && isRead) return send(res, await handleReadiness());
    if (path === '/metrics' && isRead) {
      const text = metrics.text();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    send(res, { status: 404, body: { error: 'not found' } });
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      log(`request failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } });
      else res.destroy();
    });
  });
  // A slow sender must not hold a connection for long; Vidu posts small bodies.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;

  return {
    server,
    metrics,
    metricsText: () => metrics.text(),
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const actual = (server.address() as AddressInfo).port;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: actual, url: `http://${shownHost}:${actual}` });
        });
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        // Idle keep-alive connections close at once; in-flight requests get a few seconds to finish.
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
