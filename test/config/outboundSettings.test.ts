// The settings of issue 19's outbound and deployment rules: the media escape
// (VIDU_MEDIA_ALLOW_PRIVATE_HOSTS) and the receiver's metrics listener.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('the configuration should be refused');
}

describe('outbound and deployment settings', () => {
  it('refuses private media hosts by default; VIDU_MEDIA_ALLOW_PRIVATE_HOSTS allows them', () => {
    assert.equal(loadConfig({}).vidu.mediaAllowPrivateHosts, false);
    assert.equal(loadConfig({ VIDU_MEDIA_ALLOW_PRIVATE_HOSTS: 'true' }).vidu.mediaAllowPrivateHosts, true);
    assert.match(refusal({ VIDU_MEDIA_ALLOW_PRIVATE_HOSTS: 'maybe' }).message, /^VIDU_MEDIA_ALLOW_PRIVATE_HOSTS: must be true or false \(got "maybe"\)/);
  });

  it("serves the receiver's metrics on loopback:9466 by default, apart from the callbacks' port", () => {
    const { receiver } = loadConfig({});
    assert.deepEqual([receiver.metricsHost, receiver.metricsPort], ['127.0.0.1', 9466]);
    assert.notEqual(receiver.metricsPort, receiver.port);
    assert.deepEqual(
      [loadConfig({ RECEIVER_METRICS_HOST: '0.0.0.0', RECEIVER_METRICS_PORT: '9500' }).receiver.metricsHost, loadConfig({ RECEIVER_METRICS_PORT: '9500' }).receiver.metricsPort],
      ['0.0.0.0', 9500],
    );
    assert.equal(loadConfig({ RECEIVER_METRICS_PORT: 'off' }).receiver.metricsPort, undefined);
    assert.match(refusal({ RECEIVER_METRICS_PORT: 'http' }).message, /^RECEIVER_METRICS_PORT: must be a whole number from 0 to 65535/);
  });
});
