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
        }),
      ),
    ),
  );
  assert.equal(most, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
});

test('an activity cancelled while it waits leaves the queue, and a failed run still frees its slot', async () => {
  const slots = new Slots(1);
  let release!: () => void;
  const holder = inActivity(() => slots.run(() => new Promise<void>((resolve) => (release = resolve))));
  const cancelled = new MockActivityEnvironment(undefined, { logger: QUIET });
  let ranCancelled = false;
  const waiting = inActivity(() => slots.run(async () => void (ranCancelled = true)), cancelled);
  const failing = inActivity(() => slots.run(() => Promise.reject(new Error('boom'))));
  const last = inActivity(() => slots.run(async () => 'last'));
  await tick();
  cancelled.cancel();
  await assert.rejects(waiting);
  release();
  await holder;
  await assert.rejects(failing, /boom/);
  assert.equal(await last, 'last');
  assert.equal(ranCancelled, false);
});
