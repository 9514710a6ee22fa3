// `npm run test:cluster`: the cluster tier. Builds the workflow bundle once,
// runs the tier's cases (tierCases.ts, which `npm test` leaves alone) with
// node's test runner, then prints the cases' figures as one table. The tier starts its own Temporal: the local cluster,
// or a dev server with CLUSTER_TEMPORAL=dev-server. Extra arguments go to
// `node --test` (e.g. --test-name-pattern=SIGTERM).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runMain } from '../../src/config';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { bundleAdWorkflowCode } from '../../src/temporal/workflowCode';
import type { CaseSummary } from './clusterRig';
import { backendKind } from './temporalBackend';
import { TIER } from './tierSize';

function table(summaries: CaseSummary[]): string {
  const rows = [
    ['case', 'ads done', 'creates', 'edits', 'composes', 'credits', 'seconds'],
    ...summaries.map((s) => [s.case, `${s.completed}/${s.ads}`, s.creates, s.edits, s.composes, s.credits, s.seconds.toFixed(1)].map(String)),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

runMain(async () => {
  const started = Date.now();
  const kind = backendKind();
  const dir = path.join(PROJECT_ROOT, '.data', 'test', 'cluster-tier');
  mkdirSync(dir, { recursive: true });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  const summaryFile = path.join(dir, 'summary.jsonl');
  rmSync(summaryFile, { force: true });
  const { code } = await bundleAdWorkflowCode();
  writeFileSync(bundlePath, code);
  console.log(`cluster tier: ${TIER.ads} ads per case on the ${kind}; workflow bundle built (${Date.now() - started} ms)`);

  const args = process.argv.slice(2);
  const files = args.some((a) => !a.startsWith('-')) ? [] : [path.join('test', 'cluster', 'tierCases.ts')];
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...args, ...files], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { ...process.env, TEST_WORKFLOW_BUNDLE: bundlePath, CLUSTER_SUMMARY_FILE: summaryFile },
  });
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
  const summaries = existsSync(summaryFile)
    ? readFileSync(summaryFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as CaseSummary)
    : [];
  if (summaries.length) console.log(`\ncluster tier on the ${kind}, ${TIER.ads} ads per case:\n${table(summaries)}`);
  const rolling = summaries.filter((s) => s.case.startsWith('rolling restart'));
  if (rolling.length > 1) {
    const clean = rolling.filter((s) => s.completed === s.ads).length;
    console.log(`rolling restarts: ${clean} of ${rolling.length} ended with every ad done (${rolling.reduce((n, s) => n + s.ads - s.completed, 0)} ads not done in all)`);
  }
  console.log(`cluster tier: ${exitCode === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = exitCode;
});
