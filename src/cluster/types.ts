// The contract of the local Temporal cluster (src/cluster/localCluster.ts):
// PostgreSQL plus the frontend, history, matching and worker services as
// separate processes, built from Temporal's Go modules. The cluster tests and
// the cluster benchmark drive it through this interface.

import type { TemporalService } from '../temporal/serverConfig';

export { TEMPORAL_SERVICES, type TemporalService } from '../temporal/serverConfig';

export interface LocalClusterOptions {
  /** Scratch folder for PostgreSQL's data, the server's config and the logs; kept between starts. */
  dir: string;
  /** History shards, fixed at the first start (default 4). */
  historyShards?: number;
  /** Namespace created with its retention and the project's search attributes (default 'default'). */
  namespace?: string;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
}

export interface LocalCluster {
  /** The frontend's gRPC address, host:port on loopback. */
  readonly frontendAddress: string;
  readonly namespace: string;
  readonly postgres: { port: number; pid: number };
  /** The pid of a running service process, undefined when it is stopped. */
  pidOf(service: TemporalService): number | undefined;
  /** Sends `signal` to one service process and resolves once it has exited. */
  killService(service: TemporalService, signal: NodeJS.Signals): Promise<void>;
  /** Starts a stopped service again with the same config and ports; resolves once it serves. */
  startService(service: TemporalService): Promise<void>;
  /** Stops the four services (SIGTERM, then SIGKILL after a grace time) and PostgreSQL. */
  stop(): Promise<void>;
}
