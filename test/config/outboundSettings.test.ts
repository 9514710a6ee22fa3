// The settings of issue 19's outbound and deployment rules: the media escape
// (VIDU_MEDIA_ALLOW_PRIVATE_HOSTS), the receiver's metrics listener, and the
// dry run's public API token, refused unless Vidu is the simulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DRY_RUN_API_TOKEN, isSimulatorUrl, loadConfig } from '../../src/config';

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

  it('refuses the dry run token unless VIDU_BASE_URL points at the simulator, naming the key and the URL', () => {
    const off = refusal({ API_TOKENS: DRY_RUN_API_TOKEN });
    assert.equal(off.setting, 'API_TOKENS');
    assert.match(off.message, /^API_TOKENS: key "token-1" has the dry run's public token .* only while VIDU_BASE_URL points at the simulator .*got "https:\/\/api\.vidu\.com"/);
    const named = refusal({ API_KEYS: `demo:admin:${DRY_RUN_API_TOKEN}`, VIDU_BASE_URL: 'https://api.vidu.cn' });
    assert.equal(named.setting, 'API_KEYS');
    assert.match(named.message, /key "demo"/);
    for (const baseUrl of ['http://simulator:8089', 'http://127.0.0.1:8089', 'http://localhost:8089', 'http://[::1]:8089']) {
      assert.equal(loadConfig({ API_TOKENS: DRY_RUN_API_TOKEN, VIDU_BASE_URL: baseUrl }).api.keys[0]!.token, DRY_RUN_API_TOKEN, baseUrl);
    }
    assert.equal(loadConfig({ API_TOKENS: 'a-token-of-16-chars-or-more' }).api.keys.length, 1, 'any other token is fine with the real API');
  });

  it('knows the simulator by its compose name or a loopback address', () => {
    assert.deepEqual(
      ['http://simulator:8089', 'http://127.0.0.2:1', 'https://api.vidu.com', 'http://10.0.0.5:8089', 'http://simulator.example.com'].map(isSimulatorUrl),
      [true, true, false, false, false],
    );
  });
});
