// Go tools built on first use: test files run in parallel processes, so on a
// fresh machine two of them may ask for the same tool at once. Both must get
// a working binary (here versitygw, built into a scratch folder; the module
// and build caches make a rebuild take seconds once it was built before).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findGo, isExecutable } from '../../src/tools/goTools';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function buildIn(binDir: string): Promise<{ code: number | null; output: string }> {
  const script = `const { ensureGoTool, GO_TOOLS } = require('./src/tools/goTools'); console.log(ensureGoTool(GO_TOOLS.versitygw, () => undefined, ${JSON.stringify(binDir)}));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

test('two processes building the same Go tool at once both get it, and no build folder is left', { skip: findGo() ? false : 'Go is not installed' }, async () => {
  const binDir = await mkdtemp(path.join(tmpdir(), 'go-tools-'));
  try {
    const [first, second] = await Promise.all([buildIn(binDir), buildIn(binDir)]);
    assert.equal(first.code, 0, first.output);
    assert.equal(second.code, 0, second.output);
    const binary = path.join(binDir, 'versitygw');
    assert.ok(isExecutable(binary));
    assert.equal(first.output.trim().split('\n').at(-1), binary);
    assert.equal(second.output.trim().split('\n').at(-1), binary);
    assert.deepEqual(await readdir(binDir), ['versitygw']);
  } finally {
    await rm(binDir, { recursive: true, force: true });
  }
});
