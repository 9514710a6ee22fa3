import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Slots } from '../../src/activities/createSlots';

const QUIET = new DefaultLogger('ERROR');

function inActivity<R>(fn: () => Promise<R>, env = new MockActivityEnvironment(undefined, { logger: QUIET })): Promise<R> {
  return env.run(fn) as Promise<R>;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const noBeat = async () => undefined;

test('at most `size` runs at once, and waiting runs start in the order they came', async () => {
  const slots = new Slots(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      inActivity(() =>
        slots.run(async () => {
          started.push(i);
          running += 1;
          most = Math.max(most, running);
          await tick();
          running -= 1;
          return i;
        }, noBeat),
      ),
    ),
  );
  assert.equal(most, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
});

test('an activity cancelled while it waits leaves the queue, and a failed run still frees its slot', async () => {
  const slots = new Slots(1);
  let release!: () => void;
  const holder = inActivity(() => slots.run(() => new Promise<void>((resolve) => (release = resolve)), noBeat));
  const cancelled = new MockActivityEnvironment(undefined, { logger: QUIET });
  let ranCancelled = false;
  const waiting = inActivity(() => slots.run(async () => void (ranCancelled = true), noBeat), cancelled);
  const failing = inActivity(() => slots.run(() => Promise.reject(new Error('boom')), noBeat));
  const last = inActivity(() => slots.run(async () => 'last', noBeat));
  await tick();
  cancelled.cancel();
  await assert.rejects(waiting);
  release();
  await holder;
  await assert.rejects(failing, /boom/);
  assert.equal(await last, 'last');
  assert.equal(ranCancelled, false);
});

test('a waiting create beats one heartbeat at a time, and none is left in flight when its turn comes', async () => {
  const slots = new Slots(1, 50);
  let release!: () => void;
  const holder = inActivity(() => slots.run(() => new Promise<void>((resolve) => (release = resolve)), noBeat));
  const events: string[] = [];
  let beats = 0;
  // Each beat takes a while to be confirmed; the turn comes in the middle of the second one.
  const slowBeat = async () => {
    beats += 1;
    events.push(`beat ${beats} sent`);
    if (beats === 2) release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    events.push(`beat ${beats} confirmed`);
  };
  const waiter = inActivity(() => slots.run(async () => void events.push('work'), slowBeat));
  await holder;
  await waiter;
  assert.deepEqual(events, ['beat 1 sent', 'beat 1 confirmed', 'beat 2 sent', 'beat 2 confirmed', 'work']);
});

test('a waiting create whose heartbeat fails leaves the queue with that failure and runs nothing', async () => {
  const slots = new Slots(1, 50);
  let release!: () => void;
  const holder = inActivity(() => slots.run(() => new Promise<void>((resolve) => (release = resolve)), noBeat));
  let ran = false;
  const waiter = inActivity(() => slots.run(async () => void (ran = true), () => Promise.reject(new Error('Temporal unreachable'))));
  await assert.rejects(waiter, /Temporal unreachable/);
  release();
  await holder;
  assert.equal(ran, false);
  assert.equal(await inActivity(() => slots.run(async () => 'next', noBeat)), 'next', 'the slot is free again');
});
