// The webhook receiver: takes Vidu's callbacks over HTTP and hands each one,
// verified, to the ad workflow named in the callback URL's (signed) query.
//
// Per request, in this order:
// 1. method and path (405, 404);
// 2. signature and Date window (401), from the headers and the raw URL alone:
//    Vidu signs the method, path, raw query, Date and the listed headers, not
//    the body, so nothing of the body is read for an unsigned request;
// 3. nonce not seen recently by this copy (a replay is acknowledged with 200
//    and dropped);
// 4. a workflowId in the signed query (400);
// 5. only now the body, up to the size limit (413), then its fields (400):
//    the signal carries the task id, state, progress and error code, never a
//    media URL or anything else from the body (see src/callbacks/viduCallback.ts);
// 6. the signal. It answers 200 once Temporal has accepted the signal, 503 when
//    Temporal is unreachable, slow or overloaded (so Vidu retries), and 202
//    when retrying could never succeed (so Vidu is told to stop): a workflow
//    that does not exist or has finished, or any other refusal from Temporal
//    (see signalFailure.ts).
// An answer given before the body was read closes the connection (see
// closeAfterAnswer.ts): the rest of the body is never waited for.
//
// It keeps no state that matters: run as many copies as you like behind a
// load balancer. Each copy's nonce cache is only a first, cheap filter; the
// workflow de-duplicates nonces itself, which is what holds across copies and
// restarts. A verified callback is a hint anyway: the workflow confirms every
// final state with Vidu's query API.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { adIdOfWorkflow } from '../../logging';
import { verifyCallbackSignature } from '../../callbacks/signature';
import { viduCallbackSignal } from '../../workflows/ad/contract';
import { CALLBACK_QUERY, callbackSignalFrom } from '../../callbacks/viduCallback';
import { localUrl } from '../../http/localUrl';
import { serveMetrics, type MetricsServer } from '../../metrics/metricsServer';
import { closeAfterAnswer } from './closeAfterAnswer';
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
  /**
   * Where refusals and failures are told, with the fields known (outcome,
   * status, workflowId, adId, taskId); delivered callbacks go to `debug`.
   */
  log?: (line: string, fields?: Record<string, unknown>) => void;
  debug?: (line: string, fields?: Record<string, unknown>) => void;
  /**
   * How long `close()` waits for requests in flight before it drops their
   * connections. Default: the Temporal timeout plus 2 s, so a callback being
   * signalled when the receiver is stopped still gets its answer.
   */
  closeTimeoutMs?: number;
  /** Add Node's process metrics (heap, CPU, event loop) to /metrics: for the service, not for the many receivers of a test process. */
  processMetrics?: boolean;
}

export interface CallbackReceiver {
  server: http.Server;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /**
   * Stops taking connections at once, closes idle keep-alive connections,
   * answers the requests in flight (each answer then closes its connection)
   * and resolves once all connections are gone, or drops what is left after
   * `closeTimeoutMs`.
   */
  close(): Promise<void>;
  /**
   * Serves /metrics on a listener of its own, never on the callbacks' port
   * (that one faces the internet): loopback unless `host` says otherwise.
   * `close()` closes it too.
   */
  listenMetrics(port: number, host?: string): Promise<{ port: number; url: string }>;
  metricsText(): Promise<string>;
  metrics: ReceiverMetrics;
}

interface Answer {
  status: number;
  outcome?: CallbackOutcome;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Answered before the body was (entirely) read: close the connection rather than wait for the rest. */
  closeConnection?: boolean;
  /** For the log line: what the callback was about, once known. */
  about?: { workflowId: string; taskId?: string };
}

const MAX_WORKFLOW_ID_CHARS = 1000;

function send(res: ServerResponse, answer: Pick<Answer, 'status' | 'body' | 'headers' | 'closeConnection'>): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(answer.closeConnection || stopping.has(res.req.socket) ? { connection: 'close' } : {}),
    ...answer.headers,
  });
  res.end(text);
}

/** Connections of a receiver that is closing: their answers say `connection: close`, so the client does not send on them again. */
const stopping = new WeakSet<object>();

/**
 * The callback URL as Vidu was given it: the public URL's origin and path plus
 * the raw query exactly as sent (Vidu signs its characters, so nothing may be
 * re-encoded). The query parameters are read from this same parse, so what the
 * receiver acts on is what the signature covered (a "#..." tail, for one, is
 * neither signed nor read).
 */
function callbackUrlOf(signedBase: string, requestUrl: string): URL {
  const at = requestUrl.indexOf('?');
  return new URL(at < 0 ? signedBase : `${signedBase}?${requestUrl.slice(at + 1)}`);
}

export function createCallbackReceiver(options: CallbackReceiverOptions): CallbackReceiver {
  const publicUrl = new URL(options.publicUrl);
  const signedBase = `${publicUrl.origin}${publicUrl.pathname}`;
  const callbackPath = options.path ?? publicUrl.pathname;
  const maxSkewMs = options.maxSkewSeconds * 1000;
  const nonces = new NonceCache({ ttlMs: options.nonceTtlMs ?? 2 * maxSkewMs });
  const temporalTimeoutMs = options.temporalTimeoutMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? temporalTimeoutMs + 2_000;
  let closing = false;
  const metrics = new ReceiverMetrics({ processMetrics: options.processMetrics });
  const log = options.log ?? ((line: string) => console.error(line));
  const debug = options.debug ?? (() => undefined);
  const { client } = options;

  async function handleCallback(req: IncomingMessage): Promise<Answer> {
    // Headers and URL only: nothing of the body has been read up to the body step.
    const callbackUrl = callbackUrlOf(signedBase, req.url ?? '');
    const verified = verifyCallbackSignature({
      apiKey: options.apiKey,
      method: req.method ?? 'POST',
      callbackUrl: callbackUrl.href,
      headers: req.headers,
      maxSkewMs,
    });
    if (!verified.ok) {
      metrics.recordRejection(verified.reason);
      return { status: 401, outcome: 'unauthorized', body: { error: verified.reason, detail: verified.detail }, closeConnection: true };
    }

    if (nonces.has(verified.nonce)) return { status: 200, outcome: 'replayed', body: { ignored: 'replayed nonce' }, closeConnection: true };

    const workflowId = callbackUrl.searchParams.get(CALLBACK_QUERY.workflowId);
    if (!workflowId || workflowId.length > MAX_WORKFLOW_ID_CHARS) {
      return {
        status: 400,
        outcome: 'bad_request',
        body: { error: 'bad request', detail: `the callback URL has no valid ${CALLBACK_QUERY.workflowId} query parameter` },
        closeConnection: true,
      };
    }

    const body = await readBody(req, options.maxBodyBytes);
    if (!body.ok) {
      return {
        status: 413,
        outcome: 'too_large',
        body: { error: 'payload too large', limitBytes: options.maxBodyBytes },
        closeConnection: body.abandon,
      };
    }
    const parsed = callbackSignalFrom(body.body.toString('utf8'), callbackUrl.searchParams, verified.nonce);
    if (!parsed.ok) return { status: 400, outcome: 'bad_request', body: { error: 'bad request', detail: parsed.detail }, about: { workflowId } };
    const about = { workflowId, taskId: parsed.signal.taskId };

    try {
      await client.withDeadline(Date.now() + temporalTimeoutMs, () => client.workflow.getHandle(workflowId).signal(viduCallbackSignal, parsed.signal));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        nonces.remember(verified.nonce);
        return { status: 202, outcome: 'workflow_not_found', body: { ignored: 'workflow not found or already finished', workflowId }, about };
      }
      const failure = classifySignalFailure(err);
      if (failure.kind === 'transient') {
        const detail = (err as Error).message;
        return { status: 503, outcome: 'temporal_unavailable', body: { error: 'temporal unavailable', detail }, headers: { 'retry-after': '5' }, about };
      }
      if (failure.kind === 'rejected') {
        nonces.remember(verified.nonce);
        return { status: 202, outcome: 'rejected_by_temporal', body: { ignored: `temporal rejected the signal: ${failure.reason}`, workflowId }, about };
      }
      throw err;
    }
    nonces.remember(verified.nonce);
    return { status: 200, outcome: 'delivered', body: { delivered: true, workflowId }, about };
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
        // Whether the body was read is unknown here; closing is always safe.
        answer = { status: 500, outcome: 'error', body: { error: 'internal error' }, closeConnection: true };
        log(`callback failed: ${(err as Error).stack ?? String(err)}`);
      }
      const outcome = answer.outcome ?? 'error';
      metrics.recordCallback(outcome, Number(process.hrtime.bigint() - started) / 1e9);
      const fields = { outcome, status: answer.status, ...answer.about, ...(answer.about && { adId: adIdOfWorkflow(answer.about.workflowId) }) };
      if (outcome === 'delivered') debug('callback delivered', fields);
      else if (outcome !== 'error') log(`callback ${outcome} (${answer.status}): ${JSON.stringify(answer.body)}`, fields);
      if (answer.closeConnection) closeAfterAnswer(req, res);
      return send(res, answer);
    }
    if (path === '/healthz' && isRead) return send(res, { status: 200, body: { status: 'ok' } });
    if (path === '/readyz' && isRead) return send(res, await handleReadiness());
    send(res, { status: 404, body: { error: 'not found' } });
  }

  let metricsServer: MetricsServer | undefined;

  const server = http.createServer((req, res) => {
    // A keep-alive connection whose answer went out before close() began is idle now: close it.
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    route(req, res).catch((err: unknown) => {
      log(`request failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } });
      else res.destroy();
    });
  });
  // Every open connection, so close() can mark those with a request in flight.
  const openSockets = new Set<Socket>();
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
  // A slow sender must not hold a connection for long; Vidu posts small bodies.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;

  return {
    server,
    metrics,
    metricsText: () => metrics.text(),
    async listenMetrics(port, host = '127.0.0.1') {
      metricsServer = await serveMetrics(metrics.registry, host, port);
      return { port: metricsServer.port, url: `${localUrl(host, metricsServer.port)}/metrics` };
    },
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const actual = (server.address() as AddressInfo).port;
          resolve({ port: actual, url: localUrl(host, actual) });
        });
      });
    },
    async close() {
      // Scrapes are short: the metrics listener closes its connections at once.
      await metricsServer?.close();
      metricsServer = undefined;
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        closing = true;
        // Requests already being handled answer with `connection: close`; their sockets then end.
        for (const socket of openSockets) stopping.add(socket);
        const force = setTimeout(() => server.closeAllConnections(), closeTimeoutMs);
        force.unref();
        // close() stops the listener at once and resolves once the last connection has ended.
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
