// The Vidu API surface: which path is which endpoint, and the steps every API
// request goes through (count, authenticate, read, inject faults, run, answer).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';
import type { FaultPlan, SimEndpoint } from './faults';
import { parseJson, readBody, sendError, sendJson } from './httpIo';
import { ViduOperations } from './operations';
import type { Simulation } from './simulation';

interface Route {
  endpoint: SimEndpoint;
  /** The task id in the path, if the path has one. */
  pathId?: string;
  run(ops: ViduOperations, body: unknown): unknown;
}

const TASK_PATH = /^\/ent\/v2\/tasks\/([^/]+)\/(creations|cancel)$/;
const AD_PATH = /^\/ent\/v2\/ad-one-click\/([^/]+)$/;

export function matchRoute(method: string, rawPath: string): Route | undefined {
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
  if (method === 'POST') {
    if (path === '/ent/v2/ad-one-click') return { endpoint: 'create', run: (ops, body) => ops.create(body) };
    if (path === '/ent/v2/ad-one-click/edit') return { endpoint: 'edit', run: (ops, body) => ops.edit(body) };
    if (path === '/ent/v2/ad-one-click/compose') return { endpoint: 'compose', run: (ops, body) => ops.compose(body) };
    const task = TASK_PATH.exec(path);
    if (task?.[2] === 'cancel') {
      const id = decode(task[1]!);
      return { endpoint: 'cancel', pathId: id, run: (ops) => ops.cancel(id) };
    }
  }
  if (method === 'GET') {
    if (path === '/ent/v2/credits') return { endpoint: 'credits', run: (ops) => ops.credits() };
    const task = TASK_PATH.exec(path);
    if (task?.[2] === 'creations') {
      const id = decode(task[1]!);
      return { endpoint: 'creations', pathId: id, run: (ops) => ops.creations(id) };
    }
    const ad = AD_PATH.exec(path);
    if (ad) {
      const id = decode(ad[1]!);
      return { endpoint: 'subRecords', pathId: id, run: (ops) => ops.subRecords(id) };
    }
  }
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface ApiDeps {
  apiKey: string;
  faults: FaultPlan;
  simulation(): Simulation;
}

function authorized(req: IncomingMessage, apiKey: string): boolean {
  const match = /^Token\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim() === apiKey;
}

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): Promise<void> {
  const sim = deps.simulation();
  const route = matchRoute(req.method ?? 'GET', url.pathname);
  try {
    if (!route) {
      await readBody(req);
      throw new ApiError(404, 'NotFound', `no such endpoint: ${req.method} ${url.pathname}`);
    }
    sim.store.counters.apiCalls[route.endpoint] += 1;
    const raw = await readBody(req);
    if (!authorized(req, deps.apiKey)) throw new ApiError(401, 'Unauthorized', 'missing or invalid Authorization header: expected "Token <api key>"');
    const body = req.method === 'POST' ? parseJson(raw) : undefined;
    const bodyTaskId = (body as { ad_one_click_task_id?: unknown } | undefined)?.ad_one_click_task_id;
    const fault = deps.faults.forRequest(route.endpoint, route.pathId ?? (typeof bodyTaskId === 'string' ? bodyTaskId : undefined));
    if (fault.latencyMs > 0 && !(await holdFor(sim, fault.latencyMs))) {
      // reset() or close() ended the simulation this request belonged to: it
      // gets no answer at all, as if the server had gone away mid-request.
      res.socket?.destroy();
      return;
    }
    if (fault.error) throw new ApiError(fault.error.status, fault.error.code, fault.error.message ?? `injected fault: ${fault.error.code}`);
    let result: unknown;
    let failure: unknown;
    try {
      result = route.run(new ViduOperations(sim), body);
    } catch (error) {
      failure = error;
    }
    if (fault.applyThenDrop === 'reset') {
      res.socket?.destroy();
      return;
    }
    // 'timeout': leave the request unanswered; close() destroys the socket.
    if (fault.applyThenDrop === 'timeout') return;
    if (failure !== undefined) throw failure;
    sendJson(res, 200, result);
  } catch (error) {
    sendError(res, error);
  }
}

/** Waits out a latency fault: true once it has passed, false if the simulation was disposed meanwhile. */
export async function holdFor(sim: Simulation, ms: number): Promise<boolean> {
  try {
    await sim.timers.sleep(ms);
    return true;
  } catch (error) {
    if (sim.timers.disposed) return false;
    throw error;
  }
}
