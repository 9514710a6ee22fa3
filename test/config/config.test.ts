import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig, requireViduApiKey } from '../../src/config';
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
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/entrypoints/temporalDevServer.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 2);
  assert.equal(result.stderr.trim(), 'configuration error: TEMPORAL_CLI_PATH: names "/nonexistent/temporal", which does not exist');
});

test('a port flag that is not a port exits 2 naming the flag', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/entrypoints/temporalDevServer.ts', '--port', 'abc'], {
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 2);
  assert.equal(result.stderr.trim(), 'configuration error: --port: must be a port number from 1 to 65535 (got "abc")');
});
