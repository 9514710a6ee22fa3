// `npm test`: starts ONE real Temporal dev server and bundles the workflow code
// ONCE, then runs every test file with node's test runner against them
// (TEMPORAL_ADDRESS and TEST_WORKFLOW_BUNDLE tell the files where they are).
// Extra arguments are passed to `node --test` (e.g. a file path to run one file).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, runMain } from '../src/config';
import { startDevServer } from '../src/temporal/devServer';
import { PROJECT_ROOT } from '../src/temporal/projectRoot';
import { bundleAdWorkflowCode } from '../src/temporal/workflowCode';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.ts') ? [path.relative(PROJECT_ROOT, full)] : [];
  });
}

runMain(async () => {
  const started = Date.now();
  const config = loadConfig();
  const server = await startDevServer({ temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs });
  const bundleDir = path.join(PROJECT_ROOT, '.data', 'test');
  mkdirSync(bundleDir, { recursive: true });
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  const { code } = await bundleAdWorkflowCode();
  writeFileSync(bundlePath, code);
  console.log(`test harness: Temporal dev server at ${server.address}, workflow bundle built (${Math.round(Date.now() - started)} ms)`);

  const args = process.argv.slice(2);
  const files = args.some((a) => !a.startsWith('-')) ? [] : testFiles(path.join(PROJECT_ROOT, 'test')).sort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`, ...args, ...files],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
      env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace, TEST_WORKFLOW_BUNDLE: bundlePath },
    },
  );
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  await server.stop();
  process.exitCode = exitCode;
});
