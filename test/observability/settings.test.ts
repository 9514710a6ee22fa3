// LOG_LEVEL and the worker's metrics ports: defaults, `off`, and the rule named on a wrong value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { bindAddress } from '../../src/metrics/temporalRuntime';

function rule(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  return assert.fail('expected a ConfigError');
}

test('defaults: info logs, SDK metrics on 9464 and application metrics on 9465, on every interface', () => {
  const config = loadConfig({});
  assert.equal(config.logLevel, 'info');
  assert.deepEqual(config.workerMetrics, { host: '0.0.0.0', sdkPort: 9464, appPort: 9465 });
});

test('each metrics endpoint turns off with `off` or an empty value; port 0 and a host are taken as given', () => {
  assert.deepEqual(loadConfig({ WORKER_METRICS_PORT: 'off', WORKER_APP_METRICS_PORT: '' }).workerMetrics, { host: '0.0.0.0', sdkPort: undefined, appPort: undefined });
  assert.deepEqual(loadConfig({ WORKER_METRICS_PORT: '0', WORKER_APP_METRICS_PORT: 'OFF', WORKER_METRICS_HOST: '127.0.0.1' }).workerMetrics, {
    host: '127.0.0.1',
    sdkPort: 0,
    appPort: undefined,
  });
  assert.equal(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel, 'debug');
});

test('a wrong value names the setting and the rule', () => {
  assert.match(rule(() => loadConfig({ LOG_LEVEL: 'verbose' })), /^LOG_LEVEL: must be one of trace, debug, info, warn, error/);
  assert.match(rule(() => loadConfig({ WORKER_METRICS_PORT: '70000' })), /^WORKER_METRICS_PORT: must be a whole number from 0 to 65535/);
  assert.match(rule(() => loadConfig({ WORKER_APP_METRICS_PORT: 'no' })), /^WORKER_APP_METRICS_PORT:/);
});

test('the SDK bind address brackets an IPv6 host', () => {
  assert.equal(bindAddress('0.0.0.0', 9464), '0.0.0.0:9464');
  assert.equal(bindAddress('::1', 9464), '[::1]:9464');
});
