// The prebuilt workflow bundle: built by the same function as `npm run build`
// (and so the container image), then every recorded history in test/histories
// replays against that built file, so what ships is what was checked. Also how
// the worker chooses between a prebuilt bundle and bundling at start.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger, Runtime, Worker, type LogLevel, type ReplayResult } from '@temporalio/worker';
import { buildWorkflowBundle } from '../../scripts/buildWorkflowBundle';
import { ConfigError, loadConfig } from '../../src/config';
import { chooseWorkflowCode, newerWorkflowSource } from '../../src/worker/workflowCodeChoice';
import { readRecordedHistory, recordedHistoryFiles, workflowIdOf } from '../support/historyFiles';

describe('the prebuilt workflow bundle', () => {
  let dir: string;
  let codePath: string;
  before(async () => {
    // The replay worker logs each state change at INFO; the tests' level is ERROR unless TEST_LOG_LEVEL says otherwise.
    Runtime.install({ logger: new DefaultLogger((process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'ERROR') });
    dir = mkdtempSync(path.join(tmpdir(), 'workflow-bundle-'));
    codePath = path.join(dir, 'nested', 'workflow-bundle.js');
    await buildWorkflowBundle(codePath);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is written where asked, with the ad workflow in it', () => {
    assert.ok(statSync(codePath).size > 100_000, 'the bundle holds the workflow code and the SDK');
    assert.match(readFileSync(codePath, 'utf8'), /adFilmWorkflow/);
  });

  it('replays every recorded history', async () => {
    const files = recordedHistoryFiles();
    assert.ok(files.length >= 7, `test/histories holds the main paths (found ${files.length})`);
    const histories = files.map((file) => ({ workflowId: workflowIdOf(file), history: readRecordedHistory(file) }));
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath } }, histories)) results.push(result);
    assert.equal(results.length, files.length, 'one result per history');
    const failed = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);
    assert.deepEqual(failed, [], 'no history fails to replay against the built bundle');
  });
});

describe('the worker’s choice of workflow code', () => {
  let dir: string;
  let existing: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'workflow-choice-'));
    existing = path.join(dir, 'bundle.js');
    // Only the file's presence matters to the choice; the bundle itself is checked above.
    writeFileSync(existing, '// bundle\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the bundle WORKFLOW_BUNDLE_PATH names', () => {
    const choice = chooseWorkflowCode(existing, path.join(dir, 'absent.js'));
    assert.deepEqual(choice.workflowBundle, { codePath: existing });
    assert.match(choice.description, /WORKFLOW_BUNDLE_PATH/);
  });

  it('refuses to start when WORKFLOW_BUNDLE_PATH names no file, naming the setting', () => {
    assert.throws(
      () => chooseWorkflowCode(path.join(dir, 'missing.js'), existing),
      (err: unknown) => err instanceof ConfigError && err.setting === 'WORKFLOW_BUNDLE_PATH' && /no file at .*missing\.js/.test(err.message),
    );
  });

  it('runs the bundle npm run build left when the setting is unset, else bundles at start', () => {
    assert.deepEqual(chooseWorkflowCode(undefined, existing).workflowBundle, { codePath: existing });
    const atStart = chooseWorkflowCode(undefined, path.join(dir, 'absent.js'));
    assert.equal(atStart.workflowBundle, undefined);
    assert.match(atStart.description, /bundled at start/);
  });

  it('calls a bundle stale when a workflow source in any sub-folder is newer than it', () => {
    const sources = path.join(dir, 'workflows');
    mkdirSync(path.join(sources, 'ad'), { recursive: true });
    writeFileSync(path.join(sources, 'ad', 'workflow.ts'), '// newer than the bundle\n');
    const written = statSync(path.join(sources, 'ad', 'workflow.ts')).mtimeMs;
    assert.equal(newerWorkflowSource(written - 1_000, sources), path.join('src', 'workflows', 'ad', 'workflow.ts'));
    assert.equal(newerWorkflowSource(written + 1_000, sources), undefined);
  });

  it('reads WORKFLOW_BUNDLE_PATH as an absolute path to a .js file', () => {
    assert.equal(loadConfig({}).workflowBundlePath, undefined);
    assert.equal(loadConfig({ WORKFLOW_BUNDLE_PATH: 'dist/x.js' }).workflowBundlePath, path.resolve('dist/x.js'));
    assert.throws(() => loadConfig({ WORKFLOW_BUNDLE_PATH: 'dist/x.map' }), /WORKFLOW_BUNDLE_PATH: must name a \.js file/);
  });
});
