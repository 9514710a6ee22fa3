import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../../src/config';
import { freePort } from '../../src/tools/ports';
import { connectClient, connectWorker } from '../../src/temporal/connection';
import { DevServerStartError, startDevServer, startDevServerWith } from '../../src/temporal/devServer';
import type { TemporalExecutable } from '../../src/temporal/temporalBinary';
import { ensureGoTool, GO_TOOLS } from '../../src/tools/goTools';
import { AD_ID, AD_SEARCH_ATTRIBUTES, AD_STAGE } from '../../src/workflows/ad/searchAttributes';
import { isAlive } from '../support/probes';
import { openTemporalTestEnv } from '../support/temporalTestEnv';
import { withTempDir } from '../support/suiteResource';

test('the dev server the suite runs on is real and has the ad search attributes registered', async () => {
  const env = await openTemporalTestEnv();
  try {
    const response = await env.client.connection.operatorService.listSearchAttributes({ namespace: env.namespace });
    const custom = Object.keys(response.customAttributes ?? {});
    for (const name of ['AdStage', 'ViduTaskId', 'AdId']) assert.ok(custom.includes(name), `${name} missing from ${custom.join(', ')}`);
    const system = await env.client.connection.workflowService.getSystemInfo({});
    assert.match(system.serverVersion ?? '', /^\d+\.\d+\.\d+/);
  } finally {
    await env.close();
  }
});

test('a namespace that does not exist fails the connection at once, naming TEMPORAL_NAMESPACE', async () => {
  const env = await openTemporalTestEnv();
  try {
    const settings = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'no-such-namespace' };
    for (const connect of [connectClient, connectWorker]) {
      await assert.rejects(connect(settings), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.setting, 'TEMPORAL_NAMESPACE');
        assert.match(err.message, /namespace "no-such-namespace" does not exist/);
        return true;
      });
    }
    const client = await connectClient({ TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace });
    assert.equal(client.options.namespace, env.namespace);
    await client.connection.close();
  } finally {
    await env.close();
  }
});

/** A shell script posing as the `temporal` binary (or, named otherwise, as the server or the UI). */
async function fakeBinary(dir: string, body: string, name = 'fake-temporal'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** The project's own dev server: Temporal server and Web UI built from their Go modules (whatever TEMPORAL_CLI_PATH or PATH say). */
function projectServer(): TemporalExecutable {
  return { type: 'server', server: ensureGoTool(GO_TOOLS.temporalServer), ui: ensureGoTool(GO_TOOLS.temporalUi), source: 'project-build' };
}

test("the project's dev server is Temporal server 1.32.2 with the ad search attributes registered", { timeout: 120_000 }, async () => {
  const server = await startDevServerWith(projectServer(), { startTimeoutMs: loadConfig().temporalStartTimeoutMs });
  const connection = await Connection.connect({ address: server.address });
  try {
    const system = await connection.workflowService.getSystemInfo({});
    assert.equal(system.serverVersion, '1.32.2');
    const response = await connection.operatorService.listSearchAttributes({ namespace: server.namespace });
    for (const key of AD_SEARCH_ATTRIBUTES) assert.ok(key.name in (response.customAttributes ?? {}), `${key.name} missing`);
  } finally {
    await connection.close();
    await server.stop();
  }
  if (server.pid !== undefined) assert.equal(isAlive(server.pid), false, 'stop() leaves no server process behind');
});

async function eventTypes(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((event) => String(event.eventType));
}

test('stopped and started again on the same SQLite file and port, the server answers with its state and a workflow history kept', { timeout: 120_000 }, async () => {
  await withTempDir('dev-server-test-', async (dir) => {
    const config = loadConfig();
    const first = await startDevServerWith(projectServer(), { dbFilename: path.join(dir, 'temporal.sqlite'), startTimeoutMs: config.temporalStartTimeoutMs });
    const workflowId = `restart-check-${process.pid}`;
    let connection = await Connection.connect({ address: first.address });
    let historyBefore: string[];
    try {
      // No worker polls this task queue: the workflow just waits, which is all a restart needs to keep.
      const handle = await new Client({ connection }).workflow.start('noWorkerForThisType', {
        taskQueue: 'nobody-polls-this',
        workflowId,
        typedSearchAttributes: [
          { key: AD_STAGE, value: 'before-restart' },
          { key: AD_ID, value: workflowId },
        ],
      });
      await handle.signal('someSignal', 'kept across the restart');
      historyBefore = await eventTypes(new Client({ connection }), workflowId);
    } finally {
      await connection.close();
      await first.stop();
    }
    if (first.pid !== undefined) assert.equal(isAlive(first.pid), false, 'stop() leaves no server process behind');

    const restartedAt = Date.now();
    const second = await startDevServerWith(projectServer(), first.restartOptions);
    // Right after the stop: the services must find each other again, not the stopped server's members.
    assert.ok(Date.now() - restartedAt < 30_000, `the restart took ${Date.now() - restartedAt} ms`);
    try {
      assert.equal(second.address, first.address);
      assert.equal(second.dbFilename, first.dbFilename);
      connection = await Connection.connect({ address: second.address });
      const client = new Client({ connection });
      const described = await client.workflow.getHandle(workflowId).describe();
      assert.equal(described.status.name, 'RUNNING');
      assert.equal(described.typedSearchAttributes.get(AD_STAGE), 'before-restart');
      assert.deepEqual(await eventTypes(client, workflowId), historyBefore);
      assert.ok(historyBefore.length >= 3, `history: ${historyBefore.join(', ')}`);
      // Visibility is fed asynchronously after a start; a few tries cover it.
      let listed: string[] = [];
      for (let i = 0; i < 50 && listed.length === 0; i++) {
        listed = [];
        for await (const wf of client.workflow.list({ query: `AdId = "${workflowId}"` })) listed.push(wf.workflowId);
        if (listed.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(listed, [workflowId]);
      await client.workflow.getHandle(workflowId).terminate('test done');
    } finally {
      await connection.close();
      await second.stop();
    }
  });
});

test('a server that never answers fails after the limit with a clear message, and is killed', { timeout: 30_000 }, async () => {
  await withTempDir('dev-server-test-', async (dir) => {
    const pidFile = path.join(dir, 'pid');
    const binary = await fakeBinary(
      dir,
      ['echo "fake temporal: starting up"', 'echo "fake temporal: still starting" >&2', `echo $$ > '${pidFile}'`, 'exec sleep 60'].join('\n'),
    );
    const started = Date.now();
    await assert.rejects(startDevServer({ temporalCliPath: binary, startTimeoutMs: 2_000 }), (err: unknown) => {
      assert.ok(err instanceof DevServerStartError, String(err));
      assert.match(err.message, /^The Temporal dev server did not answer on 127\.0\.0\.1:\d+ within 2 s \(TEMPORAL_START_TIMEOUT_MS sets this limit\); it has been stopped\./);
      assert.match(err.message, /\nLast check: nothing accepts connections on 127\.0\.0\.1:\d+ yet \(ECONNREFUSED\)\n/);
      assert.match(err.message, /\nCommand: \S*fake-temporal server start-dev --ip 127\.0\.0\.1 --port \d+ --headless /);
      assert.match(err.message, /fake temporal: starting up/);
      assert.match(err.message, /fake temporal: still starting/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 2_000 && took < 8_000, `gave up after ${took} ms`);
    const pid = Number(await readFile(pidFile, 'utf8'));
    assert.equal(isAlive(pid), false, 'the server that never answered was killed');
  });
});

test('a server that exits while starting fails at once with its exit code, command and output', { timeout: 30_000 }, async () => {
  await withTempDir('dev-server-test-', async (dir) => {
    const binary = await fakeBinary(dir, ['echo "fake temporal got: $*"', 'echo "error: cannot open the database" >&2', 'exit 3'].join('\n'));
    const started = Date.now();
    await assert.rejects(
      startDevServer({ temporalCliPath: binary, dbFilename: path.join(dir, 'db', 'temporal.sqlite'), startTimeoutMs: 60_000 }),
      (err: unknown) => {
        assert.ok(err instanceof DevServerStartError, String(err));
        assert.equal(err.exitCode, 3);
        assert.match(err.message, /^The Temporal dev server exited with code 3 after [\d.]+ s, before it answered on 127\.0\.0\.1:\d+\./);
        assert.match(err.message, /error: cannot open the database/);
        // The flags the project relies on reached the binary.
        const args = err.output.find((l) => l.startsWith('fake temporal got:')) ?? '';
        for (const flag of [
          'server start-dev --ip 127.0.0.1',
          '--headless',
          `--db-filename ${path.join(dir, 'db', 'temporal.sqlite')}`,
          '--search-attribute AdStage=Keyword --search-attribute ViduTaskId=Keyword --search-attribute AdId=Keyword',
          '--sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=OFF',
          '--dynamic-config-value history.transferProcessorMaxPollRPS=200',
        ]) {
          assert.ok(args.includes(flag), `${flag} missing from: ${args}`);
        }
        return true;
      },
    );
    assert.ok(Date.now() - started < 10_000, 'an early exit is reported without waiting for the limit');
  });
});

test('the project server that exits while starting is reported with its command and output, and its Web UI stopped', { timeout: 30_000 }, async () => {
  await withTempDir('dev-server-test-', async (dir) => {
    const uiPidFile = path.join(dir, 'ui-pid');
    // The server waits for the UI to be up (its pid written) before it fails: on a busy machine an
    // immediate exit could stop the UI before its first line ran, leaving nothing to check.
    const server = await fakeBinary(
      dir,
      ['echo "fake server got: $*"', `for i in $(seq 100); do [ -s '${uiPidFile}' ] && break; sleep 0.1; done`, 'echo "Unable to load configuration" >&2', 'exit 1'].join('\n'),
      'fake-server',
    );
    const ui = await fakeBinary(dir, [`echo $$ > '${uiPidFile}'`, 'exec sleep 60'].join('\n'), 'fake-ui');
    await assert.rejects(startDevServerWith({ type: 'server', server, ui, source: 'project-build' }, { uiPort: 0, startTimeoutMs: 60_000 }), (err: unknown) => {
      assert.ok(err instanceof DevServerStartError, String(err));
      assert.match(err.message, /^The Temporal dev server exited with code 1 after [\d.]+ s, before it answered on 127\.0\.0\.1:\d+\./);
      assert.match(err.message, /\nCommand: \S*fake-server --config-file \S+\/dev-server\.yaml --allow-no-auth start\n/);
      assert.match(err.message, /Unable to load configuration/);
      return true;
    });
    const uiPid = Number(await readFile(uiPidFile, 'utf8'));
    assert.equal(isAlive(uiPid), false, 'the Web UI was stopped with the server');
  });
});

test('a Web UI that exits while starting fails the start, naming the UI and its command', { timeout: 30_000 }, async () => {
  await withTempDir('dev-server-test-', async (dir) => {
    const server = await fakeBinary(dir, 'exec sleep 60', 'fake-server');
    const ui = await fakeBinary(dir, ['echo "listen tcp: address already in use" >&2', 'exit 2'].join('\n'), 'fake-ui');
    await assert.rejects(startDevServerWith({ type: 'server', server, ui, source: 'project-build' }, { uiPort: 0, startTimeoutMs: 60_000 }), (err: unknown) => {
      assert.ok(err instanceof DevServerStartError, String(err));
      assert.match(err.message, /^The Temporal Web UI exited with code 2 after [\d.]+ s, before it answered on 127\.0\.0\.1:\d+\./);
      assert.match(err.message, /\nCommand: \S*fake-ui --root \S+ --config ui --env dev-server start\n/);
      assert.match(err.message, /ui: listen tcp: address already in use/);
      return true;
    });
  });
});

test('a busy port is reported from the real server at once, naming the port', { timeout: 60_000 }, async () => {
  // Drops what it accepts: a socket left unread would never see its peer close and would keep the test process alive.
  const blocker = createServer((socket) => socket.destroy());
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    const config = loadConfig();
    await assert.rejects(startDevServer({ port, temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs }), (err: unknown) => {
      assert.ok(err instanceof DevServerStartError, String(err));
      assert.match(err.message, /exited with code 1/);
      assert.match(err.message, new RegExp(`${port}.*address already in use`));
      return true;
    });
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
