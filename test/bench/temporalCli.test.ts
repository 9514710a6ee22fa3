// `npm run bench` finds or builds the Temporal CLI before its clock starts: on
// a fresh machine the first Go build of the CLI takes minutes, which once
// used up a quick run's whole time limit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { prepareTemporalCli } from '../../bench/support/temporal';
import { PROJECT_ROOT } from '../../src/temporal/projectRoot';

test('prepareTemporalCli reports the CLI it found or built and the time that took', () => {
  let clock = 1_000;
  const lines: string[] = [];
  const prepared = prepareTemporalCli(
    undefined,
    (cliPath, log) => {
      assert.equal(cliPath, undefined);
      log('Building the Temporal CLI with Go...');
      clock += 480_000; // the build
      return { type: 'existing-path', path: '/opt/tools/temporal', source: 'project-build' };
    },
    (line) => lines.push(line),
    () => clock,
  );
  assert.equal(prepared.cliPath, '/opt/tools/temporal');
  assert.match(prepared.line, /\/opt\/tools\/temporal, the project-local build in \.tools\/bin, found or built in 480\.0 s before the clock started/);
  assert.deepEqual(lines, ['Building the Temporal CLI with Go...'], 'the build says it is building');

  const download = prepareTemporalCli('ignored', () => ({ type: 'cached-download', source: 'sdk-download' }), () => undefined, () => 0);
  assert.equal(download.cliPath, undefined, 'no path: the dev server start falls back to the SDK download');
  assert.match(download.line, /the SDK downloads it when the dev server first starts, within the time limit/);
});

test('npm run bench looks for the CLI before the time limit starts, and stops there when it cannot have one', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'run.ts'), 'receiver', '--quick'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TEMPORAL_CLI_PATH: path.join(PROJECT_ROOT, '.data', 'no-such-temporal-cli') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  assert.notEqual(run.status, 0, output);
  assert.match(output, /TEMPORAL_CLI_PATH.*no-such-temporal-cli/);
  assert.doesNotMatch(output, /time limit counts from now/, 'the clock never started');
});
