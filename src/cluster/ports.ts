// The cluster's loopback ports, chosen once at the first start and kept in
// the state file so that the frontend's address stays the same across starts
// (from the range pickServerPort explains).
import { pickServerPort } from '../tools/ports';
import type { ServerPorts, ServicePorts } from '../temporal/serverConfig';

export const CLUSTER_HOST = '127.0.0.1';

export interface ClusterPorts extends ServerPorts {
  postgres: number;
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

export async function pickClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const pickPort = () => pickServerPort(CLUSTER_HOST, taken);
  const service = async (): Promise<ServicePorts> => ({ grpc: await pickPort(), membership: await pickPort() });
  return {
    postgres: await pickPort(),
    frontendHttp: await pickPort(),
    services: { frontend: await service(), history: await service(), matching: await service(), worker: await service() },
  };
}
