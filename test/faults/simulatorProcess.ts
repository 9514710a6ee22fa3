// The Vidu simulator as its own process, driven over its HTTP control
// interface (/_simulator/faults, /_simulator/counters, /_simulator/ads), as
// a fault suite would drive any stand-in it does not link with.
import path from 'node:path';
import type { FaultConfig, SimulatedAd, SimulatorCounters } from '../../src/simulator';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { startChild, type RunningChild } from './childProcess';

export interface SimulatorFlags {
  queueMs: number;
  processingMs: number;
  progressSteps: number;
  concurrencyLimit?: number;
  mediaTtlMs?: number;
  callbackRetryDelayMs?: number;
  /** The account's starting credits (the simulator's default runs out after a few hundred ads). */
  credits?: number;
}

export interface SimulatorProcess {
  url: string;
  apiKey: string;
  child: RunningChild;
  setFaults(config: FaultConfig): Promise<void>;
  counters(): Promise<SimulatorCounters>;
  ads(): Promise<SimulatedAd[]>;
  stop(): Promise<void>;
}

const MAIN = path.join(PROJECT_ROOT, 'src', 'entrypoints', 'simulator', 'main.ts');

async function control<T>(url: string, method: 'GET' | 'PUT', what: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/_simulator/${what}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator ${method} ${what}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function startSimulatorProcess(opts: { apiKey: string; logDir: string; flags: SimulatorFlags }): Promise<SimulatorProcess> {
  const { flags } = opts;
  const args = ['--port', '0', '--api-key', opts.apiKey];
  args.push('--queue-ms', String(flags.queueMs), '--processing-ms', String(flags.processingMs), '--progress-steps', String(flags.progressSteps));
  if (flags.concurrencyLimit !== undefined) args.push('--concurrency-limit', String(flags.concurrencyLimit));
  if (flags.mediaTtlMs !== undefined) args.push('--media-ttl-ms', String(flags.mediaTtlMs));
  if (flags.credits !== undefined) args.push('--credits', String(flags.credits));
  args.push('--callback-retry-delay-ms', String(flags.callbackRetryDelayMs ?? 200));
  // Faults are about bytes arriving, not what they show: placeholders keep the suite fast.
  args.push('--media', 'placeholder');
  const child = await startChild({ name: 'simulator', script: MAIN, args, logDir: opts.logDir, ready: /ready at (http:\/\/\S+)/ });
  const url = child.readyText;
  return {
    url,
    apiKey: opts.apiKey,
    child,
    setFaults: (config) => control(url, 'PUT', 'faults', config).then(() => undefined),
    counters: () => control<SimulatorCounters>(url, 'GET', 'counters'),
    ads: () => control<{ ads: SimulatedAd[] }>(url, 'GET', 'ads').then((answer) => answer.ads),
    stop: () => child.stop(),
  };
}
