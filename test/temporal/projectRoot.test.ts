// The project root is found the same way from the TypeScript sources and from
// their compiled copies in dist/ (the container image has no src/): the
// nearest folder above with a package.json.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findProjectRoot, PROJECT_ROOT } from '../../src/tools/projectRoot';

test('the project root is the nearest folder with a package.json, from the sources or from dist/', () => {
  assert.equal(PROJECT_ROOT, path.resolve(__dirname, '..', '..'));
  const tmp = mkdtempSync(path.join(tmpdir(), 'project-root-'));
  try {
    const app = path.join(tmp, 'app');
    for (const dir of ['src/temporal', 'dist/src/temporal']) mkdirSync(path.join(app, dir), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), '{}');
    assert.equal(findProjectRoot(path.join(app, 'src', 'temporal')), app);
    assert.equal(findProjectRoot(path.join(app, 'dist', 'src', 'temporal')), app);
    assert.equal(findProjectRoot(app), app);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a folder with no package.json above it is an error that names it', () => {
  assert.throws(() => findProjectRoot(path.parse(tmpdir()).root), /no package\.json at or above \//);
});
