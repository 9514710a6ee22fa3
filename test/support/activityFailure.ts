// The ApplicationFailure an activity run ends with (the run must fail).
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';

export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail('the activity should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `got ${String(err)}`);
  return err;
}
