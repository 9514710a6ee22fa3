// A production-shaped Temporal cluster on this machine: PostgreSQL plus the
// frontend, history, matching and worker services as four processes of the
// Temporal server built from its Go module, all on loopback ports, with the
// state in one folder. A second start on the same folder reuses its data, its
// ports and its shard count; processes still running from an earlier start
// are adopted rather than started twice. See ./types.ts for the contract.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { isPortFree } from '../tools/ports';
import { ensureGoTool, GO_TOOLS } from '../tools/goTools';
import { newDatabasePassword, readClusterState, writeClusterState, type ClusterState } from './clusterState';
import {
  ensureNamespace,
  ensureSearchAttributes,
  frontendServes,
  historyServes,
  matchingServes,
  openFrontendConnection,
  retrying,
} from '../temporal/frontendCalls';
import { isOurProcess, stopPid } from './processes';
import { CLUSTER_HOST, pickClusterPorts, type ClusterPorts } from './ports';
import { postgresPid, postgresLayout, startPostgres, stopPostgres } from './postgres';
import { applySchema, SERVER_RELEASE } from './schema';
import { writeServerConfig } from './serverConfig';
import { findServiceProcesses, ServiceExitedError, serviceLogFile, serviceMarks, spawnService, waitForServicePort } from './services';
import { TEMPORAL_SERVICES, type LocalCluster, type LocalClusterOptions, type TemporalService } from './types';

export const DEFAULT_HISTORY_SHARDS = 4;
export const DEFAULT_NAMESPACE = 'default';
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
const PORT_RELEASE_WAIT_MS = 10_000;

function checkOptions(options: LocalClusterOptions): void {
  if (!options.dir) throw new Error('LocalClusterOptions.dir: a folder is required');
  const shards = options.historyShards;
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1 || shards > 16_384)) {
    throw new Error(`LocalClusterOptions.historyShards: a whole number from 1 to 16384, got ${shards}`);
  }
  if (options.namespace !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/.test(options.namespace)) {
    throw new Error(`LocalClusterOptions.namespace: 2-255 letters, digits, '.', '_' or '-', starting with a letter or digit; got "${options.namespace}"`);
  }
}

function frontendAddress(ports: ClusterPorts): string {
  return `${CLUSTER_HOST}:${ports.services.frontend.grpc}`;
}

/** The services of `dir` whose recorded process still runs. */
function runningServices(dir: string, state: ClusterState): Partial<Record<TemporalService, number>> {
  const running: Partial<Record<TemporalService, number>> = {};
  for (const service of TEMPORAL_SERVICES) {
    const pid = state.pids[service];
    if (isOurProcess(pid, serviceMarks(dir, service))) running[service] = pid;
  }
  return running;
}

/**
 * Refuses, naming the port, when a port the cluster is about to open is held by
 * something else. It waits a little first: a service just killed shows as
 * exited once its main thread is gone, but its sockets close only when its
 * last thread has gone too.
 */
async function checkPortsFree(ports: { port: number; what: string }[], dir: string): Promise<void> {
  const deadline = Date.now() + PORT_RELEASE_WAIT_MS;
  for (const { port, what } of ports) {
    while (!(await isPortFree(port, CLUSTER_HOST)) && Date.now() < deadline) await sleep(100);
    if (!(await isPortFree(port, CLUSTER_HOST))) {
      throw new Error(
        `port ${port} (${what}), chosen at this cluster's first start and kept in ${path.join(dir, 'state.json')}, is in use by another process: ` +
          `stop that process, or delete the folder ${dir} to start a new cluster with new ports`,
      );
    }
  }
}

function servicePorts(ports: ClusterPorts, service: TemporalService): { port: number; what: string }[] {
  const own = ports.services[service];
  const list = [
    { port: own.grpc, what: `${service} gRPC` },
    { port: own.membership, what: `${service} membership` },
  ];
  if (service === 'frontend') list.push({ port: ports.frontendHttp, what: 'frontend HTTP' });
  return list;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  checkOptions(options);
  const dir = path.resolve(options.dir);
  const log = options.log ?? ((line: string) => console.error(line));
  const startedAt = Date.now();
  const serverBinary = ensureGoTool(GO_TOOLS.temporalServer, log);

  let state = readClusterState(dir);
  if (!state) {
    state = {
      version: 1,
      historyShards: options.historyShards ?? DEFAULT_HISTORY_SHARDS,
      namespace: options.namespace ?? DEFAULT_NAMESPACE,
      ports: await pickClusterPorts(),
      postgresPassword: newDatabasePassword(),
      pids: {},
    };
    writeClusterState(dir, state);
    log(`New cluster in ${dir}: ${state.historyShards} history shards`);
  } else {
    if (options.historyShards !== undefined && options.historyShards !== state.historyShards) {
      log(`History shards are fixed at a cluster's first start: this one keeps ${state.historyShards} (${options.historyShards} asked)`);
    }
    if (options.namespace !== undefined) state.namespace = options.namespace;
  }
  const current = state;
  const save = () => writeClusterState(dir, current);

  const address = frontendAddress(current.ports);
  const connection = openFrontendConnection(address);
  let postgresPort: number;
  try {
    if (postgresPid(postgresLayout(dir).data) === undefined) await checkPortsFree([{ port: current.ports.postgres, what: 'PostgreSQL' }], dir);
    const postgres = await startPostgres(dir, { port: current.ports.postgres, password: current.postgresPassword, log });
    postgresPort = postgres.port;
    current.pids.postgres = postgres.pid;
    save();
    if (current.schemaAppliedFor !== SERVER_RELEASE) {
      await applySchema({ port: postgres.port, password: current.postgresPassword, log });
      current.schemaAppliedFor = SERVER_RELEASE;
      save();
    }
    writeServerConfig(dir, { historyShards: current.historyShards, ports: current.ports, postgresPassword: current.postgresPassword });

    const adopted = runningServices(dir, current);
    const toStart = TEMPORAL_SERVICES.filter((service) => adopted[service] === undefined);
    if (toStart.length < TEMPORAL_SERVICES.length) {
      log(`Already running from an earlier start: ${TEMPORAL_SERVICES.filter((s) => adopted[s] !== undefined).join(', ')}`);
    }
    await checkPortsFree(toStart.flatMap((service) => servicePorts(current.ports, service)), dir);
    for (const service of TEMPORAL_SERVICES) current.pids[service] = adopted[service];
    const launch = async (services: TemporalService[]) => {
      for (const service of services) current.pids[service] = spawnService(serverBinary, dir, service);
      save();
      await Promise.all(services.map((service) => waitForServicePort(dir, current.ports, service, current.pids[service]!, START_TIMEOUT_MS)));
      log(`Listening: ${services.map((service) => `${service} (pid ${current.pids[service]})`).join(', ')}`);
    };
    if (!current.initialized && toStart.includes('frontend')) {
      await launch(['frontend']);
      await launch(toStart.filter((service) => service !== 'frontend'));
    } else {
      await launch(toStart);
    }
    const allAlive = () => {
      for (const service of TEMPORAL_SERVICES) {
        if (!isOurProcess(current.pids[service], serviceMarks(dir, service))) throw new ServiceExitedError(service, serviceLogFile(dir, service));
      }
    };
    await clusterServes(connection, current.namespace, log, allAlive);
    current.initialized = true;
    save();
  } catch (err) {
    // A start that fails leaves nothing running behind it.
    await stopLocalCluster(dir).catch(() => undefined);
    throw err;
  } finally {
    await connection.close().catch(() => undefined);
  }
  log(
    `Cluster ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: frontend ${address}, namespace ${current.namespace}; ` +
      `PostgreSQL (pid ${current.pids.postgres}, 127.0.0.1:${postgresPort}) holds ${current.historyShards} history shards; ` +
      `services as separate processes: ${TEMPORAL_SERVICES.map((service) => `${service} pid ${current.pids[service]}`).join(', ')}`,
  );
  return clusterHandle(dir, current, serverBinary, address, postgresPort);
}

/** Frontend up, namespace and search attributes in place, history and matching answering for the namespace. */
async function clusterServes(connection: Connection, namespace: string, log: (line: string) => void, check: () => void): Promise<void> {
  await retrying('the frontend health check', START_TIMEOUT_MS, () => frontendServes(connection), check);
  await retrying(`creating namespace ${namespace}`, START_TIMEOUT_MS, () => ensureNamespace(connection, namespace, log), check);
  await retrying(`registering the search attributes in ${namespace}`, START_TIMEOUT_MS, () => ensureSearchAttributes(connection, namespace, log), check);
  await retrying('history answering through the frontend', START_TIMEOUT_MS, () => historyServes(connection, namespace), check);
  await retrying('matching answering through the frontend', START_TIMEOUT_MS, () => matchingServes(connection, namespace), check);
}

function clusterHandle(dir: string, state: ClusterState, serverBinary: string, address: string, postgresPort: number): LocalCluster {
  const save = () => writeClusterState(dir, state);
  const pidOf = (service: TemporalService) => {
    const pid = state.pids[service];
    return isOurProcess(pid, serviceMarks(dir, service)) ? pid : undefined;
  };
  let stopping: Promise<void> | undefined;
  return {
    frontendAddress: address,
    namespace: state.namespace,
    postgres: { port: postgresPort, pid: state.pids.postgres! },
    pidOf,
    async killService(service, signal) {
      const pid = pidOf(service);
      if (pid === undefined) return;
      await stopPid(pid, signal, STOP_GRACE_MS);
      state.pids[service] = undefined;
      save();
    },
    async startService(service) {
      if (pidOf(service) !== undefined) return;
      await checkPortsFree(servicePorts(state.ports, service), dir);
      const pid = spawnService(serverBinary, dir, service);
      state.pids[service] = pid;
      save();
      await waitForServicePort(dir, state.ports, service, pid, START_TIMEOUT_MS);
      const alive = () => {
        if (!isOurProcess(pid, serviceMarks(dir, service))) throw new ServiceExitedError(service, serviceLogFile(dir, service));
      };
      const connection = openFrontendConnection(address);
      try {
        if (service === 'frontend') await retrying('the frontend health check', START_TIMEOUT_MS, () => frontendServes(connection), alive);
        if (service === 'history') await retrying('history answering through the frontend', START_TIMEOUT_MS, () => historyServes(connection, state.namespace), alive);
        if (service === 'matching') await retrying('matching answering through the frontend', START_TIMEOUT_MS, () => matchingServes(connection, state.namespace), alive);
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
    stop: () => (stopping ??= stopLocalCluster(dir)),
  };
}

/**
 * Stops the cluster in `dir`, from this process or any other: the four
 * services (SIGTERM, SIGKILL after a grace time), every other server process
 * started with this folder as its root, then PostgreSQL.
 */
export async function stopLocalCluster(dir: string): Promise<void> {
  const root = path.resolve(dir);
  const state = readClusterState(root);
  const pids = new Set<number>();
  for (const service of TEMPORAL_SERVICES) {
    const pid = state?.pids[service];
    if (isOurProcess(pid, serviceMarks(root, service))) pids.add(pid);
  }
  for (const { pid } of findServiceProcesses(root)) pids.add(pid);
  await Promise.all([...pids].map((pid) => stopPid(pid, 'SIGTERM', STOP_GRACE_MS)));
  await stopPostgres(root);
  if (state) {
    state.pids = {};
    writeClusterState(root, state);
  }
}

export interface ClusterStatus {
  dir: string;
  /** undefined before the first start. */
  state: ClusterState | undefined;
  frontendAddress: string | undefined;
  postgresPid: number | undefined;
  services: Record<TemporalService, number | undefined>;
  logDir: string;
}

/** What runs of the cluster in `dir`, without changing anything. */
export function clusterStatus(dir: string): ClusterStatus {
  const root = path.resolve(dir);
  const state = readClusterState(root);
  const running = state ? runningServices(root, state) : {};
  return {
    dir: root,
    state,
    frontendAddress: state ? frontendAddress(state.ports) : undefined,
    postgresPid: postgresPid(postgresLayout(root).data),
    services: Object.fromEntries(TEMPORAL_SERVICES.map((s) => [s, running[s]])) as Record<TemporalService, number | undefined>,
    logDir: path.join(root, 'logs'),
  };
}

