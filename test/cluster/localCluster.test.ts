// The local cluster (src/cluster/localCluster.ts) for real: PostgreSQL and the
// four Temporal services as separate processes, a workflow through them,
// history and matching killed with SIGKILL and started again, a second start on the same
// folder finding the data, and nothing left running after stop(). It starts
// its own cluster; it does not use the dev server the test harness starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { parse } from 'yaml';
import { readClusterState } from '../../src/cluster/clusterState';
import { listPorts, pickClusterPorts } from '../../src/cluster/ports';
import { writeServerConfig } from '../../src/cluster/serverConfig';
import { startLocalCluster, stopLocalCluster } from '../../src/cluster/localCluster';
import { findPostgres, postgresLayout, postgresPid } from '../../src/cluster/postgres';
import { isRunning } from '../../src/cluster/processes';
import { findServiceProcesses } from '../../src/cluster/services';
import { TEMPORAL_SERVICES, type LocalCluster } from '../../src/cluster/types';
import { setCurrentVersion } from '../support/workerDeployment';
import { proceed, waitForProceed } from './localClusterWorkflow';

const SHARDS = 3;

function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
}

/** One value from the cluster's own database, as the Temporal server's login sees it. */
function sql(dir: string, port: number, database: string, query: string): string {
  const state = readClusterState(dir)!;
  return execFileSync(findPostgres().psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'temporal', '-d', database, '-tAc', query], {
    env: { ...process.env, PGPASSWORD: state.postgresPassword },
    encoding: 'utf8',
  }).trim();
}

function commandLine(pid: number): string {
  return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
}

/** Every process whose command line names the cluster's folder (the services, PostgreSQL and its children). */
function processesOf(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir) && !/^\s*\d+\s+Z/.test(line));
}

async function runToEnd(client: Client, taskQueue: string, workflowId: string, stage: string): Promise<string> {
  const handle = await client.workflow.start(waitForProceed, { taskQueue, workflowId, args: [stage] });
  await handle.signal(proceed, 'go');
  return handle.result();
}

test('the cluster config gives every service fixed loopback ports that fit the smallint membership column, and the shard count', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'local-cluster-config-'));
  try {
    const ports = await pickClusterPorts();
    const all = listPorts(ports).map((p) => p.port);
    assert.equal(all.length, 10);
    assert.equal(new Set(all).size, 10, `ports repeat: ${all.join(', ')}`);
    for (const port of all) assert.ok(port >= 20_000 && port <= 32_767, `port ${port} outside 20000-32767`);

    const { configFile } = writeServerConfig(dir, { historyShards: 7, ports, postgresPassword: 'a-password-of-some-length' });
    const config = parse(await readFile(configFile, 'utf8'));
    assert.equal(config.persistence.numHistoryShards, 7);
    assert.equal(config.persistence.datastores['postgres-default'].sql.connectAddr, `127.0.0.1:${ports.postgres}`);
    for (const service of TEMPORAL_SERVICES) {
      assert.equal(config.services[service].rpc.membershipPort, ports.services[service].membership);
      assert.equal(config.services[service].rpc.bindOnIP, '127.0.0.1');
    }
    assert.equal(config.clusterMetadata.clusterInformation.active.rpcAddress, `127.0.0.1:${ports.services.frontend.grpc}`);
    const dynamic = parse(await readFile(config.dynamicConfigClient.filepath, 'utf8'));
    assert.deepEqual(dynamic['frontend.enableCancelWorkerPollsOnShutdown'], [{ value: true, constraints: {} }]);

    await writeFile(path.join(dir, 'state.json'), '{"version":1,"historyShards":0}');
    assert.throws(() => readClusterState(dir), /state\.json does not hold a cluster state \(historyShards: .*delete the folder/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the local cluster runs PostgreSQL and four service processes, survives history and matching SIGKILLs, keeps its data across starts and stops clean', { timeout: 300_000 }, async (t) => {
  quietRuntime();
  const parent = await mkdtemp(path.join(tmpdir(), 'local-cluster-test-'));
  // PostgreSQL may run as another user (the `postgres` system user when the tests run as root): it must reach the folder.
  await chmod(parent, 0o755);
  const dir = path.join(parent, 'cluster');
  let cluster: LocalCluster | undefined;
  try {
    let started = Date.now();
    cluster = await startLocalCluster({ dir, historyShards: SHARDS, log: (line) => t.diagnostic(line) });
    t.diagnostic(`first start: ${Date.now() - started} ms`);

    // Four distinct, live processes, each running one service.
    const pids = TEMPORAL_SERVICES.map((service) => cluster!.pidOf(service));
    assert.ok(pids.every((pid) => pid !== undefined && isRunning(pid)), `service pids: ${pids.join(', ')}`);
    assert.equal(new Set(pids).size, 4);
    for (const service of TEMPORAL_SERVICES) {
      const args = commandLine(cluster.pidOf(service)!);
      assert.match(args, new RegExp(`--service ${service}$`), args);
      assert.ok(args.includes(`--root ${dir}`), args);
    }
    assert.ok(isRunning(cluster.postgres.pid));
    assert.match(commandLine(cluster.postgres.pid), /postgres/);

    // PostgreSQL is the store, with the configured number of history shards.
    assert.equal(sql(dir, cluster.postgres.port, 'temporal', 'SELECT count(*) FROM shards'), String(SHARDS));
    const tables = sql(dir, cluster.postgres.port, 'temporal', "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'");
    for (const table of ['cluster_membership', 'executions', 'history_node', 'shards']) assert.ok(tables.split(',').includes(table), tables);
    // Server 1.32's schemas: temporal 1.19 (current_chasm_executions), visibility 1.14.
    assert.equal(sql(dir, cluster.postgres.port, 'temporal', 'SELECT curr_version FROM schema_version'), '1.19');
    assert.equal(sql(dir, cluster.postgres.port, 'temporal_visibility', 'SELECT curr_version FROM schema_version'), '1.14');
    assert.ok(tables.split(',').includes('current_chasm_executions'), tables);

    const connection = await NativeConnection.connect({ address: cluster.frontendAddress });
    const client = new Client({ connection, namespace: cluster.namespace });
    // The dynamic config reached the frontend: the namespace offers to complete a stopping worker's polls.
    const { namespaceInfo } = await client.workflowService.describeNamespace({ namespace: cluster.namespace });
    assert.equal(namespaceInfo?.capabilities?.workerPollCompleteOnShutdown, true, JSON.stringify(namespaceInfo?.capabilities));
    const taskQueue = `local-cluster-${process.pid}`;
    const worker = await Worker.create({
      connection,
      namespace: cluster.namespace,
      taskQueue,
      workflowsPath: require.resolve('./localClusterWorkflow'),
    });
    const tag = Date.now().toString(36);
    await worker.runUntil(async () => {
      assert.equal(await runToEnd(client, taskQueue, `first-${tag}`, 'before-kill'), 'before-kill:go');
      // The search attribute the workflow set is queryable: the cluster registered it.
      let listed: string[] = [];
      for (let i = 0; i < 50 && listed.length === 0; i++) {
        listed = [];
        for await (const w of client.workflow.list({ query: `AdStage="before-kill" AND WorkflowId="first-${tag}"` })) listed.push(w.workflowId);
        if (listed.length === 0) await sleep(100);
      }
      assert.deepEqual(listed, [`first-${tag}`]);

      // A workflow waiting on a signal while history is killed outright and started again.
      const waiting = await client.workflow.start(waitForProceed, { taskQueue, workflowId: `waiting-${tag}`, args: ['across-kill'] });
      const historyPid = cluster!.pidOf('history')!;
      await cluster!.killService('history', 'SIGKILL');
      assert.equal(isRunning(historyPid), false);
      assert.equal(cluster!.pidOf('history'), undefined);
      started = Date.now();
      await cluster!.startService('history');
      t.diagnostic(`history restarted in ${Date.now() - started} ms`);
      const newHistoryPid = cluster!.pidOf('history');
      assert.ok(newHistoryPid !== undefined && newHistoryPid !== historyPid && isRunning(newHistoryPid));

      started = Date.now();
      assert.equal(await runToEnd(client, taskQueue, `after-${tag}`, 'after-restart'), 'after-restart:go');
      t.diagnostic(`first workflow after the history restart: ${Date.now() - started} ms`);
      await waiting.signal(proceed, 'late');
      assert.equal(await waiting.result(), 'across-kill:late');

      // Matching too: killed outright, started again, and the next workflow's tasks reach the worker.
      const matchingPid = cluster!.pidOf('matching')!;
      await cluster!.killService('matching', 'SIGKILL');
      assert.equal(isRunning(matchingPid), false);
      await cluster!.startService('matching');
      assert.notEqual(cluster!.pidOf('matching'), matchingPid);
      started = Date.now();
      assert.equal(await runToEnd(client, taskQueue, `after-matching-${tag}`, 'after-matching'), 'after-matching:go');
      t.diagnostic(`first workflow after the matching restart: ${Date.now() - started} ms`);
    });

    // Worker Deployment Versioning (the server's worker service runs the deployment's own workflows):
    // a versioned worker made current runs the next workflow, whose history names its build.
    const deploymentName = `local-cluster-${tag}`;
    const versionedQueue = `${taskQueue}-versioned`;
    const versioned = await Worker.create({
      connection,
      namespace: cluster.namespace,
      taskQueue: versionedQueue,
      workflowsPath: require.resolve('./localClusterWorkflow'),
      workerDeploymentOptions: { useWorkerVersioning: true, version: { deploymentName, buildId: 'v1' }, defaultVersioningBehavior: 'AUTO_UPGRADE' },
    });
    const versionedRun = versioned.run();
    try {
      await setCurrentVersion(client, deploymentName, 'v1', 60_000);
      const handle = await client.workflow.start(waitForProceed, { taskQueue: versionedQueue, workflowId: `versioned-${tag}`, args: ['versioned'] });
      await handle.signal(proceed, 'go');
      assert.equal(await handle.result(), 'versioned:go');
      const builds = ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
        const completed = e.workflowTaskCompletedEventAttributes;
        return completed ? [`${completed.deploymentVersion?.deploymentName}/${completed.deploymentVersion?.buildId}`] : [];
      });
      assert.ok(builds.length > 0 && builds.every((b) => b === `${deploymentName}/v1`), builds.join(', '));
    } finally {
      // With the polls completed by the server, the worker's shutdown waits on the server's cancel: it must not hang on a long poll.
      started = Date.now();
      versioned.shutdown();
      await versionedRun;
    }
    const shutdownMs = Date.now() - started;
    t.diagnostic(`versioned worker shut down in ${shutdownMs} ms`);
    assert.ok(shutdownMs < 15_000, `worker shutdown took ${shutdownMs} ms`);
    await connection.close();
    assert.ok(Number(sql(dir, cluster.postgres.port, 'temporal', 'SELECT count(*) FROM executions')) >= 4);

    const address = cluster.frontendAddress;
    const servicePids = TEMPORAL_SERVICES.map((service) => cluster!.pidOf(service)!);
    await cluster.stop();
    for (const pid of [...servicePids, cluster.postgres.pid]) assert.equal(isRunning(pid), false, `pid ${pid} still runs`);
    assert.deepEqual(processesOf(dir), []);

    // Started again on the same folder: the same address and shard count (a different one asked is ignored), and the workflows are still there.
    started = Date.now();
    cluster = await startLocalCluster({ dir, historyShards: SHARDS + 2, log: (line) => t.diagnostic(line) });
    t.diagnostic(`second start on the same folder: ${Date.now() - started} ms`);
    assert.equal(cluster.frontendAddress, address);
    assert.equal(sql(dir, cluster.postgres.port, 'temporal', 'SELECT count(*) FROM shards'), String(SHARDS));
    const again = await NativeConnection.connect({ address: cluster.frontendAddress });
    try {
      const described = await new Client({ connection: again, namespace: cluster.namespace }).workflow.getHandle(`first-${tag}`).describe();
      assert.equal(described.status.name, 'COMPLETED');
    } finally {
      await again.close();
    }

    await cluster.stop();
    cluster = undefined;
    assert.deepEqual(processesOf(dir), []);
    assert.deepEqual(findServiceProcesses(dir), []);
    assert.equal(postgresPid(postgresLayout(dir).data), undefined);
  } finally {
    if (cluster) await cluster.stop().catch(() => undefined);
    else await stopLocalCluster(dir).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
  }
});
