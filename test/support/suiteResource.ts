// Something the tests of one describe block (or file) share: a harness, a
// rig, a client. It is opened in a before hook, which runs after the
// describe body, so the body gets a stand-in to use inside the tests.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

/** A stand-in for what `current` gives once the before hook has run: every member is read from it at the time of use. */
export function standIn<T extends object>(current: () => T | undefined): T {
  return new Proxy({} as T, {
    get: (_stub, member) => Reflect.get(current() ?? assert.fail('opened in the before hook: use it inside the tests'), member),
  });
}

/** Opened by `open` in the before hook, closed by `close` in the after hook. */
export function suiteResource<T extends object>(open: () => Promise<T>, close: (opened: T) => Promise<void>): T {
  let opened: T | undefined;
  before(async () => {
    opened = await open();
  });
  after(async () => {
    if (opened) await close(opened);
  });
  return standIn(() => opened);
}

/** A folder of the tests' own (its name starts with `prefix`), removed with everything in it after them. */
export function suiteTempDir(prefix: string): { path: string } {
  return suiteResource(
    async () => ({ path: await mkdtemp(path.join(tmpdir(), prefix)) }),
    (dir) => rm(dir.path, { recursive: true, force: true }),
  );
}

/** Runs `fn` in a folder of its own (its name starts with `prefix`), removed with everything in it afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
