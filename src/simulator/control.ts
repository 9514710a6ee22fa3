// The simulator's own control interface under /_simulator/ (no auth), for
// tests, benchmarks and the demo that run it as a separate process. Same
// semantics as the in-process ViduSimulator methods.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedAd } from './adList';
import type { SimulatorCounters } from './counters';
import { ApiError } from './errors';
import { checkFaultConfig } from './faultConfigSchema';
import type { FaultConfig } from './faults';
import { parseJson, readBody, sendError, sendJson } from './httpIo';

export const CONTROL_PREFIX = '/_simulator/';

export interface ControlTarget {
  url: string;
  setFaults(config: FaultConfig): void;
  counters(): SimulatorCounters;
  ads(): SimulatedAd[];
  setCredits(remaining: number): void;
  reset(): void;
}

export async function handleControlRequest(req: IncomingMessage, res: ServerResponse, url: URL, target: ControlTarget): Promise<void> {
  try {
    const raw = await readBody(req);
    const action = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    switch (action) {
      case 'GET /_simulator/health':
        sendJson(res, 200, { ok: true, url: target.url });
        return;
      case 'GET /_simulator/counters':
        sendJson(res, 200, target.counters());
        return;
      case 'GET /_simulator/ads':
        sendJson(res, 200, { ads: target.ads() });
        return;
      case 'PUT /_simulator/faults': {
        const check = checkFaultConfig(parseJson(raw) ?? {});
        if (!check.ok) throw new ApiError(400, 'BadRequest', `bad fault config: ${check.reason}`);
        target.setFaults(check.config);
        sendJson(res, 200, { ok: true });
        return;
      }
      case 'PUT /_simulator/credits': {
        const body = parseJson(raw) as { remaining?: unknown } | undefined;
        const remaining = body?.remaining;
        if (typeof remaining !== 'number' || !Number.isInteger(remaining) || remaining < 0) {
          throw new ApiError(400, 'BadRequest', `remaining: must be a whole number of credits, 0 or more (got ${JSON.stringify(remaining)})`);
        }
        target.setCredits(remaining);
        sendJson(res, 200, { ok: true, remaining });
        return;
      }
      case 'POST /_simulator/reset':
        target.reset();
        sendJson(res, 200, { ok: true });
        return;
      default:
        throw new ApiError(404, 'NotFound', `no such control endpoint: ${action}`);
    }
  } catch (error) {
    sendError(res, error);
  }
}
