// Go tools built on first use: test files run in parallel processes, so on a
// fresh machine two of them may ask for the same tool at once. Both must get
// a working binary (here versitygw, built into a scratch folder; the module
// and build caches make a rebuild take seconds once it was built before).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findGo, GO_TOOLS, goInstallEnv, isExecutable } from '../../src/tools/goTools';
import { runChild } from '../support/childRun';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function buildIn(binDir: string): Promise<{ code: number | null; output: string }> {
  const script = `const { ensureGoTool, GO_TOOLS } = require('./src/tools/goTools'); console.log(ensureGoTool(GO_TOOLS.versitygw, () => undefined, ${JSON.stringify(binDir)}));`;
  return runChild(process.execPath, ['--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).then(({ code, stdout, stderr }) => ({ code, output: stdout + stderr }));
}

test('two processes building the same Go tool at once both get it, and no build folder is left', { skip: findGo() ? false : 'Go is not installed' }, async () => {
  const binDir = await mkdtemp(path.join(tmpdir(), 'go-tools-'));
  try {
    const [first, second] = await Promise.all([buildIn(binDir), buildIn(binDir)]);
    assert.equal(first.code, 0, first.output);
    assert.equal(second.code, 0, second.output);
    const binary = path.join(binDir, GO_TOOLS.versitygw.binary);
    assert.ok(isExecutable(binary));
    assert.equal(first.output.trim().split('\n').at(-1), binary);
    assert.equal(second.output.trim().split('\n').at(-1), binary);
    assert.deepEqual(await readdir(binDir), ['versitygw-1.8.0']);
  } finally {
    await rm(binDir, { recursive: true, force: true });
  }
});

test('each tool is kept under a name ending in its module version, so a build of another version is not reused', () => {
  for (const tool of Object.values(GO_TOOLS)) {
    const version = tool.module.split('@v')[1]!;
    assert.match(version, /^\d+\.\d+\.\d+$/, tool.module);
    assert.ok(tool.binary.endsWith(`-${version}`), `${tool.binary} does not name ${version}`);
  }
  assert.equal(GO_TOOLS.temporalServer.module.split('@')[1], GO_TOOLS.temporalSqlTool.module.split('@')[1], 'the SQL tool carries the schema of the server it is built with');
});

test('only a tool that names a toolchain gets GOTOOLCHAIN, and only for its own build', () => {
  const base = { PATH: '/bin', GOTOOLCHAIN: 'local' };
  const server = goInstallEnv(GO_TOOLS.temporalServer, '/tmp/build');
  assert.equal(server.GOBIN, '/tmp/build');
  assert.equal(server.GOTOOLCHAIN, 'go1.27.3');
  assert.equal(goInstallEnv(GO_TOOLS.temporalSqlTool, '/tmp/build', base).GOTOOLCHAIN, 'go1.27.3');
  assert.deepEqual(goInstallEnv(GO_TOOLS.versitygw, '/tmp/build', base), { ...base, GOBIN: '/tmp/build' });
  assert.equal(goInstallEnv(GO_TOOLS.versitygw, '/tmp/build', { PATH: '/bin' }).GOTOOLCHAIN, undefined);
  assert.deepEqual(base, { PATH: '/bin', GOTOOLCHAIN: 'local' }, 'the environment given is not changed');
});
