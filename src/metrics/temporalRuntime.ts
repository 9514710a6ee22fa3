// The Temporal SDK's runtime for a worker process: its logs go through the
// project's JSON logger (native Core logs forwarded too) and, when a port is
// set, its own metrics (workflow and activity task counts and latencies,
// polls, sticky cache, requests to Temporal) are served for Prometheus at
// http://<host>:<port>/metrics by the SDK itself.
//
// Runtime.install may run once per process and only before the first
// connection: the worker's main calls this; tests, which build many workers
// in one process, do not.
import { Runtime } from '@temporalio/worker';
import type { LogLevel } from '../config';
import { coreLogLevel, temporalLogger, type Logger } from '../logging';

export interface TemporalRuntimeOptions {
  logger: Logger;
  logLevel: LogLevel;
  /** Where the SDK's Prometheus endpoint listens; undefined: no SDK metrics. */
  metrics?: { host: string; port: number };
}

/** "host:port", with brackets around an IPv6 host. */
export function bindAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function installTemporalRuntime(options: TemporalRuntimeOptions): Runtime {
  return Runtime.install({
    logger: temporalLogger(options.logger),
    telemetryOptions: {
      // Core's own (Rust) logs come through the same logger (see coreLogLevel); third-party crates only when they err.
      logging: { filter: { core: coreLogLevel(options.logLevel), other: 'ERROR' }, forward: {} },
      ...(options.metrics && {
        metrics: { prometheus: { bindAddress: bindAddress(options.metrics.host, options.metrics.port), countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true } },
      }),
    },
  });
}
