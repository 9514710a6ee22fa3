// Temporal's time-skipping test server, built on first use from Maven Central
// (src/tools/temporalTestServer.ts): the launcher the SDK runs, the tools it
// needs, and two test files building it at once on a fresh machine (both get
// a working launcher, no build folder is left; Maven's ~/.m2 cache makes a
// rebuild take seconds once it was built before).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isExecutable } from '../../src/tools/goTools';
import { findCommand, launcherScript, TEST_SERVER_MAIN_CLASS, testServerVersion } from '../../src/tools/temporalTestServer';
import { runChild } from '../support/childRun';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

test('the launcher execs java on the test server with the arguments the SDK passes (the port), so the SDK stops the server itself', () => {
  const script = launcherScript('/usr/lib/jvm/bin/java');
  assert.match(script, /^#!\/bin\/sh\n/);
  const exec = script.split('\n').find((line) => line.startsWith('exec '));
  assert.ok(exec, script);
  assert.ok(exec.startsWith('exec "/usr/lib/jvm/bin/java" '));
  assert.ok(exec.endsWith(` -cp "$here/lib/*" ${TEST_SERVER_MAIN_CLASS} "$@"`), exec);
});

test('java is looked for in JAVA_HOME first, mvn in MAVEN_HOME, then on PATH; the version comes from the pom', () => {
  const onPath = findCommand('java', { PATH: '/nonexistent' });
  assert.equal(onPath, undefined);
  const java = findCommand('java');
  if (java) assert.equal(findCommand('java', { PATH: '/nonexistent', JAVA_HOME: path.dirname(path.dirname(java)) }), java);
  assert.match(testServerVersion(), /^\d+\.\d+\.\d+$/);
});

function buildIn(toolsDir: string): Promise<{ code: number | null; output: string }> {
  const script = `require('./src/tools/temporalTestServer').ensureTemporalTestServer(() => undefined, ${JSON.stringify(toolsDir)}).then((p) => console.log(p), (e) => { console.error(e); process.exit(1); });`;
  return runChild(process.execPath, ['--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).then(({ code, stdout, stderr }) => ({ code, output: stdout + stderr }));
}

const missing = ['java', 'mvn'].filter((c) => !findCommand(c as 'java' | 'mvn'));
test('two processes building the test server at once both get its launcher, and no build folder is left', { skip: missing.length ? `${missing.join(' and ')} not installed` : false, timeout: 180_000 }, async () => {
  const toolsDir = await mkdtemp(path.join(tmpdir(), 'java-tools-'));
  try {
    const [first, second] = await Promise.all([buildIn(toolsDir), buildIn(toolsDir)]);
    assert.equal(first.code, 0, first.output);
    assert.equal(second.code, 0, second.output);
    const dir = `temporal-test-server-${testServerVersion()}`;
    const launcher = path.join(toolsDir, dir, 'temporal-test-server');
    assert.ok(isExecutable(launcher));
    assert.equal(first.output.trim().split('\n').at(-1), launcher);
    assert.equal(second.output.trim().split('\n').at(-1), launcher);
    assert.deepEqual(await readdir(toolsDir), [dir]);
    const files = await readdir(path.join(toolsDir, dir));
    assert.ok(files.includes('lib') && files.includes('temporal-test-server'), files.join(', '));
    assert.ok(!files.some((f) => f.startsWith('classes.jsa.')), `no half-written class archive: ${files.join(', ')}`);
  } finally {
    await rm(toolsDir, { recursive: true, force: true });
  }
});
