// The cluster's loopback ports, chosen once at the first start and kept in
// the state file so that the frontend's address stays the same across starts.
// They come from 20000-32767: below Linux's ephemeral range (32768 and up, the
// ports outgoing connections take, which could steal one between two starts),
// and within a PostgreSQL smallint, the column type the server stores each
// membership port in (a larger one makes the service exit at start).
import { randomInt } from 'node:crypto';
import { isPortFree } from '../entrypoints/demo/ports';
import type { TemporalService } from './types';

export const CLUSTER_HOST = '127.0.0.1';
const LOWEST_PORT = 20_000;
const HIGHEST_PORT = 32_767;

export interface ServicePorts {
  grpc: number;
  membership: number;
}

export interface ClusterPorts {
  postgres: number;
  /** The frontend's HTTP API (and Nexus) port. */
  frontendHttp: number;
  services: Record<TemporalService, ServicePorts>;
}

/** Every port of the cluster with what it is for, for checks and messages. */
export function listPorts(ports: ClusterPorts): { port: number; what: string }[] {
  return [
    { port: ports.postgres, what: 'PostgreSQL' },
    { port: ports.frontendHttp, what: 'frontend HTTP' },
    ...Object.entries(ports.services).flatMap(([service, p]) => [
      { port: p.grpc, what: `${service} gRPC` },
      { port: p.membership, what: `${service} membership` },
    ]),
  ];
}

async function pickPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(LOWEST_PORT, HIGHEST_PORT + 1);
    if (taken.has(port) || !(await isPortFree(port, CLUSTER_HOST))) continue;
    taken.add(port);
    return port;
  }
  throw new Error(`no free port found on ${CLUSTER_HOST} between ${LOWEST_PORT} and ${HIGHEST_PORT}`);
}

export async function pickClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const service = async (): Promise<ServicePorts> => ({ grpc: await pickPort(taken), membership: await pickPort(taken) });
  return {
    postgres: await pickPort(taken),
    frontendHttp: await pickPort(taken),
    services: { frontend: await service(), history: await service(), matching: await service(), worker: await service() },
  };
}
