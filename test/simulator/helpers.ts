// Shared bits of the simulator tests: an in-process simulator with millisecond
// timings, a raw fetch wrapper, a polling wait and a local callback receiver.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskCreations } from '../../src/vidu/apiTypes';
import { verifyCallbackSignature, type VerifyResult } from '../../src/callbacks/signature';
import { startViduSimulator, type SimulatorOptions, type ViduSimulator } from '../../src/simulator/index';

export const FAST_TIMING = { queueMs: 10, processingMs: 40, progressSteps: 4 };

export function startFastSimulator(options: SimulatorOptions = {}): Promise<ViduSimulator> {
  // Placeholder media: these tests check the API, not the pictures (renderedMedia.test.ts does).
  return startViduSimulator({ timing: FAST_TIMING, callbackRetryDelayMs: 10, media: 'placeholder', ...options });
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A raw call to the simulator's Vidu API with the right key unless told otherwise. */
export async function api<T = Record<string, unknown>>(
  sim: ViduSimulator,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  apiKey: string | null = sim.apiKey,
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (apiKey !== null) headers.Authorization = `Token ${apiKey}`;
  const response = await fetch(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

export const SAMPLE_IMAGE = 'https://images.example/product.png';

export async function createAd(sim: ViduSimulator, fields: Record<string, unknown> = {}): Promise<string> {
  const answer = await api<{ task_id: string }>(sim, 'POST', '/ent/v2/ad-one-click', { images: [SAMPLE_IMAGE], ...fields });
  if (answer.status !== 200) throw new Error(`create failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.task_id;
}

export async function creations(sim: ViduSimulator, id: string): Promise<TaskCreations> {
  return (await api<TaskCreations>(sim, 'GET', `/ent/v2/tasks/${id}/creations`)).body;
}

/** Polls until `check` returns a value other than undefined/false; fails after `timeoutMs` (a liveness bound, not a speed check). */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function waitForState(sim: ViduSimulator, id: string, state: string): Promise<TaskCreations> {
  return waitFor(`task ${id} to be ${state}`, async () => {
    const current = await creations(sim, id);
    return current.state === state && current;
  });
}

export async function createSucceededAd(sim: ViduSimulator, fields: Record<string, unknown> = {}): Promise<string> {
  const id = await createAd(sim, fields);
  await waitForState(sim, id, 'success');
  return id;
}

export interface ReceivedCallback {
  /** The callback URL as registered: receiver origin plus path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: TaskCreations;
  verified: VerifyResult;
  status: number;
}

export interface CallbackReceiver {
  url: string;
  received: ReceivedCallback[];
  close(): Promise<void>;
}

/** A local callback endpoint; `answer` picks the HTTP status of each delivery (default 200). */
export async function startReceiver(apiKey: string, answer: (delivery: number, body: TaskCreations) => number = () => 200): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TaskCreations;
      const url = `${origin}${req.url ?? '/'}`;
      const verified = verifyCallbackSignature({ apiKey, method: req.method ?? 'POST', callbackUrl: url, headers: req.headers });
      const status = answer(received.length, body);
      received.push({ url, headers: req.headers, body, verified, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/vidu/callback?wf=test-1`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
