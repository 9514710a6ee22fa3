import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, ConfigErrors, loadConfig, loadEnvFile, requireViduApiKey, type Env } from '../../src/config';
import { temporalConnectConfig } from '../../src/temporal/connection';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

test('defaults: the real Vidu API, the vidu-ads task queue, a local artifacts folder', () => {
  const config = loadConfig({});
  assert.equal(config.vidu.baseUrl, 'https://api.vidu.com');
  assert.equal(config.vidu.apiKey, undefined);
  assert.equal(config.taskQueue, 'vidu-ads');
  assert.equal(config.receiver.port, 8080);
  assert.equal(config.receiver.path, '/vidu/callback');
  assert.equal(path.basename(config.artifactDir), 'artifacts');
  assert.equal(config.temporalStartTimeoutMs, 120_000);
});

test('the receiver path follows CALLBACK_PUBLIC_URL and a trailing slash is dropped from URLs', () => {
  const config = loadConfig({ CALLBACK_PUBLIC_URL: 'https://hooks.example.com/v/cb', VIDU_BASE_URL: 'https://api.vidu.cn/' });
  assert.equal(config.receiver.path, '/v/cb');
  assert.equal(config.vidu.baseUrl, 'https://api.vidu.cn');
});

test('each wrong setting is named with its rule', () => {
  assert.match(configError(() => loadConfig({ VIDU_BASE_URL: 'api.vidu.com' })).message, /^VIDU_BASE_URL: must be an absolute http\(s\) URL/);
  assert.match(configError(() => loadConfig({ VIDU_BASE_URL: 'ftp://api.vidu.com' })).message, /^VIDU_BASE_URL: must use http or https/);
  assert.match(configError(() => loadConfig({ CALLBACK_PUBLIC_URL: 'not a url' })).message, /^CALLBACK_PUBLIC_URL:/);
  assert.match(configError(() => loadConfig({ RECEIVER_PORT: '70000' })).message, /^RECEIVER_PORT: must be a whole number from 0 to 65535/);
  assert.match(configError(() => loadConfig({ VIDU_TIMEOUT_MS: 'soon' })).message, /^VIDU_TIMEOUT_MS:/);
  assert.match(configError(() => loadConfig({ AD_TASK_QUEUE: 'has space' })).message, /^AD_TASK_QUEUE:/);
  assert.match(configError(() => loadConfig({ TEMPORAL_START_TIMEOUT_MS: '500' })).message, /^TEMPORAL_START_TIMEOUT_MS: must be a whole number from 1000 to 3600000/);
  assert.match(configError(() => requireViduApiKey(loadConfig({}))).message, /^VIDU_API_KEY: is missing/);
  assert.match(configError(() => temporalConnectConfig({ TEMPORAL_ADDRESS: 'http://x' })).message, /^TEMPORAL_ADDRESS: must be host:port/);
});

test('Temporal settings come from the standard TEMPORAL_* variables', () => {
  const { connectionOptions, namespace } = temporalConnectConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'ads' });
  assert.equal(connectionOptions.address, 'temporal.internal:7233');
  assert.equal(namespace, 'ads');
  assert.equal(temporalConnectConfig({}).connectionOptions.address, '127.0.0.1:7233');
});

test('an entry point with a wrong setting exits 2 with one line naming it, not a stack trace', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/entrypoints/temporal/main.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 2);
  assert.equal(result.stderr.trim(), 'configuration error: TEMPORAL_CLI_PATH: names "/nonexistent/temporal", which does not exist');
});

test('a port flag that is not a port exits 2 naming the flag', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/entrypoints/temporal/main.ts', '--port', 'abc'], {
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 2);
  assert.equal(result.stderr.trim(), 'configuration error: --port: must be a port number from 1 to 65535 (got "abc")');
});

test('several wrong settings give one error naming each, one line per setting, in a fixed order', () => {
  const env = { WORKER_SHUTDOWN_GRACE_MS: '-1', RECEIVER_PORT: 'http', VIDU_BASE_URL: 'api.vidu.com', LOG_LEVEL: 'loud', AD_TASK_QUEUE: 'has space' };
  const err = configError(() => loadConfig(env));
  assert.ok(err instanceof ConfigErrors);
  const order = ['AD_TASK_QUEUE', 'VIDU_BASE_URL', 'RECEIVER_PORT', 'LOG_LEVEL', 'WORKER_SHUTDOWN_GRACE_MS'];
  assert.deepEqual(err.problems.map((p) => p.setting), order);
  const lines = err.message.split('\n');
  assert.equal(lines.length, 5);
  lines.forEach((line, i) => assert.ok(line.startsWith(`${order[i]}: `), line));
  assert.match(lines[4]!, /WORKER_SHUTDOWN_GRACE_MS: must be a whole number from 0 to 3600000 \(got "-1"\)/);
  // The same settings in another order in the environment read the same.
  const reversed = Object.fromEntries(Object.entries(env).reverse());
  assert.equal(configError(() => loadConfig(reversed)).message, err.message);
  // One wrong setting reads as before: its own setting, rule and message.
  const one = configError(() => loadConfig({ RECEIVER_PORT: 'http' }));
  assert.equal(one.setting, 'RECEIVER_PORT');
  assert.equal(one.message, 'RECEIVER_PORT: must be a whole number from 0 to 65535 (got "http")');
});

test('worker tuning: a 30 s shutdown grace time by default, the SDK\'s cache and activity slots unless set', () => {
  assert.deepEqual(loadConfig({}).workerTuning, { shutdownGraceMs: 30_000, maxCachedWorkflows: 250, maxConcurrentActivities: undefined });
  assert.deepEqual(
    loadConfig({ WORKER_SHUTDOWN_GRACE_MS: '0', WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_MAX_CONCURRENT_ACTIVITIES: '8' }).workerTuning,
    { shutdownGraceMs: 0, maxCachedWorkflows: 0, maxConcurrentActivities: 8 },
  );
  const err = configError(() =>
    loadConfig({ WORKER_SHUTDOWN_GRACE_MS: '3600001', WORKER_MAX_CACHED_WORKFLOWS: '1', WORKER_MAX_CONCURRENT_ACTIVITIES: '0' }),
  );
  assert.deepEqual(err.message.split('\n'), [
    'WORKER_SHUTDOWN_GRACE_MS: must be a whole number from 0 to 3600000 (got "3600001")',
    'WORKER_MAX_CACHED_WORKFLOWS: must be 0 (no cache) or from 2 to 100000 (got "1")',
    'WORKER_MAX_CONCURRENT_ACTIVITIES: must be a whole number from 1 to 10000 (got "0")',
  ]);
});

test('.env: its settings fill in what the environment leaves unset, and the environment wins', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-env-file-'));
  try {
    const env: Env = { AD_TASK_QUEUE: 'from-environment' };
    assert.equal(loadEnvFile(dir, env), undefined, 'no .env: nothing loaded');
    assert.deepEqual(env, { AD_TASK_QUEUE: 'from-environment' });
    writeFileSync(
      path.join(dir, '.env'),
      ['# the service settings', 'AD_TASK_QUEUE=from-file', 'VIDU_TIMEOUT_MS=45000', 'CALLBACK_PUBLIC_URL="https://hooks.example.com/vidu/callback"', ''].join('\n'),
    );
    assert.equal(loadEnvFile(dir, env), path.join(dir, '.env'));
    assert.deepEqual(env, { AD_TASK_QUEUE: 'from-environment', VIDU_TIMEOUT_MS: '45000', CALLBACK_PUBLIC_URL: 'https://hooks.example.com/vidu/callback' });
    const config = loadConfig(env);
    assert.equal(config.taskQueue, 'from-environment');
    assert.equal(config.vidu.timeoutMs, 45_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the worker reads .env in its directory and exits 2 listing every wrong setting, one line each', () => {
  const root = path.resolve(__dirname, '..', '..');
  const dir = mkdtempSync(path.join(tmpdir(), 'config-worker-env-'));
  try {
    // The file's good task queue loses to the environment's bad one; its bad grace time is reported.
    writeFileSync(path.join(dir, '.env'), 'AD_TASK_QUEUE=fine-queue\nWORKER_SHUTDOWN_GRACE_MS=soon\n');
    const env: Env = { ...process.env, AD_TASK_QUEUE: 'has space', VIDU_TIMEOUT_MS: '5', VIDU_API_KEY: 'unused' };
    delete env.WORKER_SHUTDOWN_GRACE_MS;
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, path.join(root, 'src', 'entrypoints', 'worker', 'main.ts')], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      'configuration error: AD_TASK_QUEUE: must be 1-200 letters, digits, "_", "-" or "." (got "has space")',
      'configuration error: VIDU_TIMEOUT_MS: must be a whole number from 1000 to 600000 (got "5")',
      'configuration error: WORKER_SHUTDOWN_GRACE_MS: must be a whole number from 0 to 3600000 (got "soon")',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an account short of credits: the ad waits by default, re-reading every 5 minutes; ACCOUNT_CREDITS_SHORTFALL and the interval are checked', () => {
  assert.deepEqual(loadConfig({}).accountShortfall, { onShortfall: 'wait', recheckMs: 300_000 });
  assert.deepEqual(loadConfig({ ACCOUNT_CREDITS_SHORTFALL: 'FAIL', ACCOUNT_CREDITS_RECHECK_MS: '60000' }).accountShortfall, { onShortfall: 'fail', recheckMs: 60_000 });
  const err = configError(() => loadConfig({ ACCOUNT_CREDITS_SHORTFALL: 'skip', ACCOUNT_CREDITS_RECHECK_MS: '10' }));
  assert.equal(err.message, 'ACCOUNT_CREDITS_SHORTFALL: must be wait or fail (got "skip")\nACCOUNT_CREDITS_RECHECK_MS: must be a whole number from 1000 to 86400000 (got "10")');
});
