// `npm test`: starts ONE real Temporal dev server and bundles the workflow code
// ONCE, then runs every test file with node's test runner against them
// (TEMPORAL_ADDRESS and TEST_WORKFLOW_BUNDLE tell the files where they are).
// Extra arguments are passed to `node --test` (e.g. a file path to run one file).
// The files in test/timeSkipping/ run on Temporal's time-skipping test server
// instead, one per file (test/support/timeSkippingEnv.ts): it is built here
// once before they start (src/tools/temporalTestServer.ts), and a run of
// those files alone starts no dev server.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, runMain } from '../src/config';
import { startDevServer } from '../src/temporal/devServer';
import { PROJECT_ROOT } from '../src/tools/projectRoot';
import { bundleAdWorkflowCode } from '../src/temporal/workflowCode';
import { ensureTemporalTestServer } from '../src/tools/temporalTestServer';

const TIME_SKIPPING_DIR = path.join('test', 'timeSkipping');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [path.relative(PROJECT_ROOT, full)] : [];
  });
}

function isTimeSkippingFile(file: string): boolean {
  return path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, file)).startsWith(TIME_SKIPPING_DIR + path.sep);
}

runMain(async () => {
  const started = Date.now();
  const args = process.argv.slice(2);
  const named = args.filter((a) => !a.startsWith('-'));
  const files = named.length > 0 ? [] : testFiles(path.join(PROJECT_ROOT, 'test')).sort();
  const selected = named.length > 0 ? named : files;
  // Built before the files start, so that parallel files do not each build it.
  if (selected.some(isTimeSkippingFile)) await ensureTemporalTestServer((line) => console.log(`test harness: ${line}`));
  const config = loadConfig();
  const server = named.length > 0 && named.every(isTimeSkippingFile) ? undefined : await startDevServer({ temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs });
  const bundleDir = path.join(PROJECT_ROOT, '.data', 'test');
  mkdirSync(bundleDir, { recursive: true });
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  const { code } = await bundleAdWorkflowCode();
  writeFileSync(bundlePath, code);
  const where = server ? `Temporal dev server at ${server.address}` : 'no dev server (time-skipping files only)';
  console.log(`test harness: ${where}, workflow bundle built (${Math.round(Date.now() - started)} ms)`);

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`, ...args, ...files],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...(server && { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace }), TEST_WORKFLOW_BUNDLE: bundlePath },
    },
  );
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  await server?.stop();
  process.exitCode = exitCode;
});
