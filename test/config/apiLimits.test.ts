// The API's session and abuse settings: sane defaults, and every wrong value
// refused at start-up naming the setting and the rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, type Env } from '../../src/config';
import { LIMIT_DEFAULTS } from '../../src/api/limits';
import { SESSION_DEFAULTS } from '../../src/api/sessions';

function refusal(env: Env): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('API sessions and limits from the environment', () => {
  it('defaults to 30 min idle and 12 h sessions and the documented limits, the same as the server\'s own', () => {
    const { sessions, limits } = loadConfig({}).api;
    assert.deepEqual(sessions, { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 });
    assert.deepEqual(sessions, { idleMs: SESSION_DEFAULTS.idleMs, maxMs: SESSION_DEFAULTS.maxMs });
    assert.deepEqual(limits, { authFailureLimit: 20, authFailureWindowMs: 300_000, requestTimeoutMs: 120_000, maxStreamsPerKey: 50, maxStreams: 500, maxLargeBodies: 4 });
    const { mediaTimeoutMs: _media, ...serverDefaults } = LIMIT_DEFAULTS;
    assert.deepEqual(limits, serverDefaults);
  });

  it('reads each setting', () => {
    const { sessions, limits } = loadConfig({
      API_SESSION_IDLE_MS: '600000',
      API_SESSION_MAX_MS: '3600000',
      API_AUTH_FAILURE_LIMIT: '5',
      API_AUTH_FAILURE_WINDOW_MS: '60000',
      API_REQUEST_TIMEOUT_MS: '30000',
      API_MAX_STREAMS_PER_KEY: '4',
      API_MAX_STREAMS: '40',
      API_MAX_LARGE_BODIES: '2',
    }).api;
    assert.deepEqual(sessions, { idleMs: 600_000, maxMs: 3_600_000 });
    assert.deepEqual(limits, { authFailureLimit: 5, authFailureWindowMs: 60_000, requestTimeoutMs: 30_000, maxStreamsPerKey: 4, maxStreams: 40, maxLargeBodies: 2 });
  });

  it('refuses values out of bounds and an idle expiry longer than the absolute one, naming the setting', () => {
    assert.match(refusal({ API_SESSION_IDLE_MS: '1000' }), /^API_SESSION_IDLE_MS: must be a whole number from 60000 to 86400000/);
    assert.match(refusal({ API_SESSION_MAX_MS: 'forever' }), /^API_SESSION_MAX_MS: must be a whole number/);
    assert.match(refusal({ API_SESSION_IDLE_MS: '7200000', API_SESSION_MAX_MS: '3600000' }), /^API_SESSION_IDLE_MS: must not be longer than API_SESSION_MAX_MS/);
    assert.match(refusal({ API_AUTH_FAILURE_LIMIT: '0' }), /^API_AUTH_FAILURE_LIMIT: must be a whole number from 1/);
    assert.match(refusal({ API_AUTH_FAILURE_WINDOW_MS: '10' }), /^API_AUTH_FAILURE_WINDOW_MS: must be a whole number from 1000/);
    assert.match(refusal({ API_REQUEST_TIMEOUT_MS: '0' }), /^API_REQUEST_TIMEOUT_MS: must be a whole number from 1000/);
    assert.match(refusal({ API_MAX_STREAMS_PER_KEY: '-1' }), /^API_MAX_STREAMS_PER_KEY: must be a whole number from 1/);
    assert.match(refusal({ API_MAX_STREAMS: '1.5' }), /^API_MAX_STREAMS: must be a whole number/);
    assert.match(refusal({ API_MAX_LARGE_BODIES: '0' }), /^API_MAX_LARGE_BODIES: must be a whole number from 1/);
  });
});
