// API_KEYS, API_KEYS_FILE and the older API_TOKENS: named keys with roles,
// the file form for mounted secrets, and every refusal naming the setting, the
// entry and the rule without ever showing a token. Also the credit caps.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig, requireApiKeys, type Env } from '../../src/config';

const TOKEN_A = 'token-a-0123456789abcdef';
const TOKEN_B = 'token-b-0123456789abcdef';
const TOKEN_C = 'token-c-0123456789abcdef';

function refusal(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('API keys from the environment', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads API_KEYS entries <name>:<role>:<token> in order, a token may hold ":"', () => {
    const config = loadConfig({ API_KEYS: ` ci-bot:service:${TOKEN_A}, ops.desk:operator:${TOKEN_B}:x ` });
    assert.deepEqual(config.api.keys, [
      { name: 'ci-bot', role: 'service', token: TOKEN_A },
      { name: 'ops.desk', role: 'operator', token: `${TOKEN_B}:x` },
    ]);
  });

  it('keeps a bare API_TOKENS token valid as an admin key named token-<n>, after the named keys', () => {
    const config = loadConfig({ API_KEYS: `watcher:viewer:${TOKEN_A}`, API_TOKENS: `${TOKEN_B},${TOKEN_C}` });
    assert.deepEqual(
      config.api.keys.map((k) => [k.name, k.role]),
      [
        ['watcher', 'viewer'],
        ['token-1', 'admin'],
        ['token-2', 'admin'],
      ],
    );
    assert.equal(config.api.keys[2]!.token, TOKEN_C);
  });

  it('reads API_KEYS_FILE one entry a line, skipping blank lines and # comments', () => {
    const file = path.join(dir, 'keys');
    writeFileSync(file, `# the review team\n\nreviewer:operator:${TOKEN_A}\r\n   \n  # a comment after spaces\nrobot:service:${TOKEN_B}\n`);
    const config = loadConfig({ API_KEYS_FILE: file, API_KEYS: `root:admin:${TOKEN_C}` });
    assert.deepEqual(
      config.api.keys.map((k) => `${k.name}:${k.role}`),
      ['root:admin', 'reviewer:operator', 'robot:service'],
    );
  });

  it('refuses a bad entry naming the setting, its position and the rule, never the token', () => {
    const cases: Array<[Env, RegExp]> = [
      [{ API_KEYS: `good:viewer:${TOKEN_A},only-two:${TOKEN_B}` }, /^API_KEYS: entry 2 must be <name>:<role>:<token>/],
      [{ API_KEYS: `has space:viewer:${TOKEN_A}` }, /^API_KEYS: entry 1: the name must be 1-64 letters, digits/],
      [{ API_KEYS: `${'n'.repeat(65)}:viewer:${TOKEN_A}` }, /^API_KEYS: entry 1: the name must be 1-64/],
      [{ API_KEYS: `bot:superuser:${TOKEN_A}` }, /^API_KEYS: entry 1 \(key "bot"\): the role must be one of viewer, operator, service, admin/],
      [{ API_KEYS: 'bot:viewer:short-secret' }, /^API_KEYS: entry 1 \(key "bot"\): the token must be 16-256 printable characters/],
      [{ API_KEYS: `bot:viewer:${TOKEN_A} with-space` }, /^API_KEYS: entry 1 \(key "bot"\): the token must be/],
      [{ API_TOKENS: `${TOKEN_A},short` }, /^API_TOKENS: token 2 must be 16-256/],
    ];
    for (const [env, expected] of cases) {
      const err = refusal(env);
      assert.match(err.message, expected);
      for (const secret of [TOKEN_A, TOKEN_B, 'short-secret']) assert.ok(!err.message.includes(secret), `the message shows a token: ${err.message}`);
    }
  });

  it('refuses a bad line of API_KEYS_FILE by its line number, and a file it cannot read', () => {
    const file = path.join(dir, 'bad-keys');
    writeFileSync(file, `# keys\nfine:viewer:${TOKEN_A}\n\nbroken:nobody:${TOKEN_B}\n`);
    const err = refusal({ API_KEYS_FILE: file });
    assert.match(err.message, /^API_KEYS_FILE: line 4 \(key "broken"\): the role must be one of/);
    assert.ok(!err.message.includes(TOKEN_B));
    assert.match(refusal({ API_KEYS_FILE: path.join(dir, 'missing') }).message, /^API_KEYS_FILE: cannot be read: ENOENT/);
  });

  it('refuses two keys with the same name or the same token, across the three settings', () => {
    const sameName = refusal({ API_KEYS: `bot:viewer:${TOKEN_A},bot:admin:${TOKEN_B}` });
    assert.match(sameName.message, /API_KEYS: the name "bot" is given to two keys/);
    const sameToken = refusal({ API_KEYS: `bot:viewer:${TOKEN_A}`, API_TOKENS: TOKEN_A });
    assert.match(sameToken.message, /API_KEYS: key "token-1" has the same token as an earlier key/);
    assert.ok(!sameToken.message.includes(TOKEN_A));
  });

  it('requires at least one key for the API, naming all three settings', () => {
    const config = loadConfig({});
    assert.deepEqual(config.api.keys, []);
    assert.throws(() => requireApiKeys(config), (err: Error) => err instanceof ConfigError && /API_KEYS: is missing.*API_KEYS_FILE.*API_TOKENS/.test(err.message));
  });

  it('reads the credit caps as positive whole numbers; unset is no cap', () => {
    assert.deepEqual(loadConfig({}).api.caps, { perAd: undefined, perCampaign: undefined });
    assert.deepEqual(loadConfig({ API_MAX_CREDITS_PER_AD: '2000', API_MAX_CREDITS_PER_CAMPAIGN: '50000' }).api.caps, { perAd: 2000, perCampaign: 50000 });
    assert.match(refusal({ API_MAX_CREDITS_PER_AD: '0' }).message, /^API_MAX_CREDITS_PER_AD: must be a whole number from 1 to/);
    assert.match(refusal({ API_MAX_CREDITS_PER_CAMPAIGN: '12.5' }).message, /^API_MAX_CREDITS_PER_CAMPAIGN: must be a whole number/);
  });
});
