// `npm run bench` finds or builds what runs the dev server (the project's
// Temporal server and Web UI, or a user's CLI) before its clock starts: on a
// fresh machine the first Go build takes minutes, which once used up a quick
// run's whole time limit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { prepareTemporal } from '../../bench/support/temporal';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';

test('prepareTemporal reports the server it found or built and the time that took', () => {
  let clock = 1_000;
  const lines: string[] = [];
  const prepared = prepareTemporal(
    undefined,
    (cliPath, log) => {
      assert.equal(cliPath, undefined);
      log('Building temporal-server-1.32.2 with Go...');
      clock += 360_000; // the build
      return { type: 'server', server: '/opt/tools/temporal-server-1.32.2', ui: '/opt/tools/temporal-ui-server-2.54.1', source: 'project-build' };
    },
    (line) => lines.push(line),
    () => clock,
  );
  assert.equal(prepared.cliPath, undefined, 'no CLI: the dev server start finds the same builds again');
  assert.match(
    prepared.line,
    /Temporal server and Web UI: \/opt\/tools\/temporal-server-1\.32\.2 and \/opt\/tools\/temporal-ui-server-2\.54\.1, the project-local builds in \.tools\/bin, found or built in 360\.0 s before the clock started/,
  );
  assert.deepEqual(lines, ['Building temporal-server-1.32.2 with Go...'], 'the build says it is building');

  const cli = prepareTemporal('/usr/local/bin/temporal', (cliPath) => ({ type: 'cli', path: cliPath!, source: 'TEMPORAL_CLI_PATH' }), () => undefined, () => 0);
  assert.equal(cli.cliPath, '/usr/local/bin/temporal');
  assert.match(cli.line, /Temporal CLI: \/usr\/local\/bin\/temporal, named by TEMPORAL_CLI_PATH, found or built in 0\.0 s/);

  const download = prepareTemporal(undefined, () => ({ type: 'cached-download', source: 'sdk-download' }), () => undefined, () => 0);
  assert.equal(download.cliPath, undefined, 'no path: the dev server start falls back to the SDK download');
  assert.match(download.line, /the SDK downloads its CLI when the dev server first starts, within the time limit/);
});

test('npm run bench looks for the Temporal CLI named by TEMPORAL_CLI_PATH before the time limit starts, and stops there when it cannot have it', () => {
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
