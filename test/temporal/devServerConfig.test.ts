// The dev server's config files (Temporal server 1.32.2 on SQLite, the Web UI
// beside it) as the launcher writes them; the real server reading them is
// tested in devServer.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { serverLaunch } from '../../src/temporal/devServerLaunch';
import { writeDevServerConfig, writeUiConfig } from '../../src/temporal/devServerConfig';
import { withTempDir } from '../support/suiteResource';

const INTERNAL = {
  frontendHttp: 21001,
  frontendMembership: 21002,
  services: { history: { grpc: 21003, membership: 21004 }, matching: { grpc: 21005, membership: 21006 }, worker: { grpc: 21007, membership: 21008 } },
};

async function readYaml(file: string) {
  return parse(await readFile(file, 'utf8'));
}

test('a database file: one history shard, SQLite in WAL mode with its schema made when missing, visibility in the same database', async () => {
  await withTempDir('dev-server-config-test-', async (dir) => {
    const dbFilename = path.join(dir, 'temporal.sqlite');
    const config = await readYaml(writeDevServerConfig(dir, { ip: '127.0.0.1', host: '127.0.0.1', port: 7233, internalPorts: INTERNAL, dbFilename }));
    assert.equal(config.persistence.numHistoryShards, 1);
    assert.equal(config.persistence.defaultStore, config.persistence.visibilityStore);
    const { sql } = config.persistence.datastores[config.persistence.defaultStore];
    assert.equal(sql.pluginName, 'sqlite');
    assert.equal(sql.databaseName, dbFilename);
    assert.deepEqual(sql.connectAttributes, { mode: 'rwc', setup: 'true', journal_mode: 'wal', synchronous: '0' });
    assert.equal(config.log.level, 'warn');
  });
});

test('in memory: a database of its own per start, shared by the server process connections', async () => {
  await withTempDir('dev-server-config-test-', async (dir) => {
    const input = { ip: '127.0.0.1', host: '127.0.0.1', port: 7233, internalPorts: INTERNAL, dbFilename: undefined };
    const first = (await readYaml(writeDevServerConfig(path.join(dir, 'a'), input))).persistence.datastores.sqlite.sql;
    const second = (await readYaml(writeDevServerConfig(path.join(dir, 'b'), input))).persistence.datastores.sqlite.sql;
    assert.deepEqual(first.connectAttributes, { mode: 'memory', cache: 'shared', setup: 'true' });
    assert.notEqual(first.databaseName, second.databaseName);
  });
});

test('the frontend listens on the ip asked for (all interfaces here); the other services on loopback, where they also find each other', async () => {
  await withTempDir('dev-server-config-test-', async (dir) => {
    const config = await readYaml(writeDevServerConfig(dir, { ip: '0.0.0.0', host: '127.0.0.1', port: 7233, internalPorts: INTERNAL, dbFilename: undefined }));
    assert.deepEqual(config.services.frontend.rpc, { grpcPort: 7233, membershipPort: 21002, bindOnIP: '0.0.0.0', httpPort: 21001 });
    assert.deepEqual(config.services.history.rpc, { grpcPort: 21003, membershipPort: 21004, bindOnIP: '127.0.0.1' });
    assert.deepEqual(config.services.worker.rpc, { grpcPort: 21007, membershipPort: 21008, bindOnIP: '127.0.0.1' });
    assert.equal(config.global.membership.broadcastAddress, '127.0.0.1');
    assert.equal(config.clusterMetadata.clusterInformation.active.rpcAddress, '127.0.0.1:7233');
  });
});

test("the dynamic config: the local cluster's keys, start-dev's, the dev defaults, and the caller's values over them", async () => {
  await withTempDir('dev-server-config-test-', async (dir) => {
    const configFile = writeDevServerConfig(dir, {
      ip: '127.0.0.1',
      host: '127.0.0.1',
      port: 7233,
      internalPorts: INTERNAL,
      dbFilename: undefined,
      dynamicConfig: { 'history.transferProcessorMaxPollRPS': 20, 'history.timerProcessorMaxPollRPS': 50 },
    });
    const dynamic = await readYaml((await readYaml(configFile)).dynamicConfigClient.filepath);
    const values = Object.fromEntries(Object.entries(dynamic).map(([key, list]) => [key, (list as { value: unknown }[])[0]!.value]));
    assert.deepEqual(values, {
      'system.forceSearchAttributesCacheRefreshOnRead': true,
      'frontend.persistenceMaxQPS': 10_000,
      'history.persistenceMaxQPS': 45_000,
      'frontend.enableCancelWorkerPollsOnShutdown': true,
      'history.hostLevelCacheMaxSize': 8096,
      'frontend.namespaceRPS.visibility': 100,
      'history.transferProcessorMaxPollRPS': 20,
      'history.timerProcessorMaxPollRPS': 50,
    });
  });
});

test('the Web UI listens on ip:uiPort and talks to the frontend; an IPv6 address gets its brackets', async () => {
  await withTempDir('dev-server-config-test-', async (dir) => {
    writeUiConfig(dir, { ip: '::1', uiPort: 8233, frontendAddress: '[::1]:7233', namespace: 'default' });
    const ui = await readYaml(path.join(dir, 'ui', 'dev-server.yaml'));
    assert.equal(ui.host, '[::1]');
    assert.equal(ui.port, 8233);
    assert.equal(ui.temporalGrpcAddress, '[::1]:7233');
    assert.equal(ui.defaultNamespace, 'default');
    assert.equal(ui.enableUi, true);
  });
});

const BINARIES = { server: '/bin/temporal-server', ui: '/bin/temporal-ui-server' };

test('with a database file the internal ports are kept for the next start, and chosen anew when one of them is taken', async () => {
  await withTempDir('dev-server-config-test-', async (dir) => {
    const options = { ip: '127.0.0.1', port: 7233, uiPort: 8233, dbFilename: path.join(dir, 'temporal.sqlite'), namespace: 'default' };
    const servicesOf = async () => (await readYaml(path.join(dir, 'temporal.sqlite.config', 'dev-server.yaml'))).services;
    const first = await serverLaunch(BINARIES, options);
    assert.deepEqual(first.server.args, ['--config-file', path.join(dir, 'temporal.sqlite.config', 'dev-server.yaml'), '--allow-no-auth', 'start']);
    assert.equal(first.ui?.binary, BINARIES.ui);
    assert.equal(first.register, true);
    const before = await servicesOf();
    for (const { rpc } of Object.values(before) as { rpc: { grpcPort: number; membershipPort: number } }[]) {
      for (const port of [rpc.grpcPort, rpc.membershipPort]) if (port !== 7233) assert.ok(port >= 20_000 && port <= 32_767, `port ${port}`);
    }
    first.cleanup();
    assert.ok(existsSync(path.join(dir, 'temporal.sqlite.config')), 'beside a database file the config stays');

    await serverLaunch(BINARIES, options);
    assert.deepEqual(await servicesOf(), before);

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(before.history.rpc.grpcPort, '127.0.0.1', resolve));
    try {
      await serverLaunch(BINARIES, options);
      assert.notEqual((await servicesOf()).history.rpc.grpcPort, before.history.rpc.grpcPort);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

test('in memory the config goes to a scratch folder that the cleanup removes; without a UI port there is no UI process', async () => {
  const plan = await serverLaunch(BINARIES, { ip: '127.0.0.1', port: 7233, uiPort: undefined, dbFilename: undefined, namespace: 'default' });
  const configFile = plan.server.args[1]!;
  assert.ok(existsSync(configFile));
  assert.equal(plan.ui, undefined);
  plan.cleanup();
  assert.equal(existsSync(path.dirname(configFile)), false);
});
