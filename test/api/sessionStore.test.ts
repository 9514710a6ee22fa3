// The in-memory session store and sign-in codes on their own, with a clock the
// test moves: expiry to the millisecond, the bound on live sessions, and codes
// that are worth nothing once used or late. (The same over HTTP, with real
// time, is in sessionsAndLimits.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemorySessionStore, createSignInCodes } from '../../src/api/sessions';

const KEY = { name: 'desk', role: 'operator' } as const;

test('refuses a session idle for idleMs, or older than maxMs however busy', () => {
  let now = 1_000_000;
  const store = createMemorySessionStore({ idleMs: 100, maxMs: 250 }, () => now);
  try {
    const idle = store.create(KEY);
    assert.match(idle, /^[A-Za-z0-9_-]{43}$/);
    now += 99;
    assert.deepEqual(store.get(idle), KEY, 'used just in time');
    now += 100;
    assert.equal(store.get(idle), undefined, 'idle for idleMs');

    const busy = store.create(KEY);
    for (let step = 0; step < 4; step += 1) {
      now += 60;
      assert.deepEqual(store.get(busy), KEY, `${(step + 1) * 60} ms after sign-in`);
    }
    now += 10; // 250 ms after sign-in
    assert.equal(store.get(busy), undefined, 'past maxMs');
  } finally {
    store.close();
  }
});

test('refuses ids it never gave, and an ended one; keeps at most maxSessions, ending the oldest', () => {
  const store = createMemorySessionStore({ maxSessions: 2 });
  try {
    for (const bogus of [undefined, '', 'x', 'A'.repeat(43), 'A'.repeat(44)]) assert.equal(store.get(bogus), undefined, String(bogus));
    const first = store.create(KEY);
    const second = store.create({ name: 'other', role: 'viewer' });
    assert.equal(store.end(first), true);
    assert.equal(store.get(first), undefined);
    assert.equal(store.end(first), false, 'ended once');
    const third = store.create(KEY);
    const fourth = store.create(KEY);
    assert.equal(store.size(), 2);
    assert.equal(store.get(second), undefined, 'the oldest made room');
    assert.deepEqual(store.get(third), KEY);
    assert.deepEqual(store.get(fourth), KEY);
  } finally {
    store.close();
  }
});

test("ends a key's oldest session past maxSessionsPerKey, leaving other keys' sessions alone", () => {
  const store = createMemorySessionStore({ maxSessionsPerKey: 2 });
  try {
    const other = store.create({ name: 'other', role: 'viewer' });
    const [a, b, c] = [store.create(KEY), store.create(KEY), store.create(KEY)];
    assert.equal(store.get(a), undefined, "the key's oldest made room");
    assert.deepEqual(store.get(b), KEY);
    assert.deepEqual(store.get(c), KEY);
    assert.deepEqual(store.get(other), { name: 'other', role: 'viewer' }, 'another key is not touched');
  } finally {
    store.close();
  }
});

test('refuses a sign-in code used twice, a late one and one never issued', () => {
  let now = 0;
  const codes = createSignInCodes(1_000, () => now);
  const code = codes.issue(KEY);
  assert.deepEqual(codes.redeem(code), KEY);
  assert.equal(codes.redeem(code), undefined, 'used once');
  const late = codes.issue(KEY);
  now += 1_000;
  assert.equal(codes.redeem(late), undefined, 'expired');
  const short = codes.issue(KEY, 10);
  now += 9;
  assert.deepEqual(codes.redeem(short), KEY, 'its own ttl');
  assert.equal(codes.redeem('A'.repeat(43)), undefined);
  assert.equal(codes.redeem(undefined), undefined);
  assert.throws(() => codes.issue(KEY, 0), /ttlMs must be positive/);
});
