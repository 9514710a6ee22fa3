// Replays the recorded histories of the main paths (test/histories/, made by
// test/support/recordHistories.ts) against the current workflow code: a
// change that running ads could not replay fails here, before it ships.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { historyFromFileText } from '../support/historyFiles';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';

const HISTORIES_DIR = path.join(__dirname, '..', 'histories');
const files = readdirSync(HISTORIES_DIR).filter((name) => name.endsWith('.json')).sort();

/** `ad-history-x.json` and `ad-history-x.run2.json` both belong to workflow `ad-history-x`. */
function workflowIdOf(file: string): string {
  return file.replace(/(\.run\d+)?\.json$/, '');
}

describe('recorded histories replay', () => {
  let env: TemporalTestEnv;
  let workflowBundle: WorkflowBundle;
  before(async () => {
    env = await openTemporalTestEnv();
    workflowBundle = env.workflowBundle;
  });
  after(async () => {
    await env?.close();
  });

  it('has the main paths recorded', () => {
    const recorded = new Set(files.map(workflowIdOf));
    for (const path of ['no-edits', 'input-edits', 'review-approved', 'review-timeout-keep-first', 'cancelled-by-signal', 'failed-main-task', 'continued-as-new', 'credit-budget']) {
      assert.ok(recorded.has(`ad-history-${path}`), `test/histories holds ${path}`);
    }
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = historyFromFileText(await readFile(path.join(HISTORIES_DIR, file), 'utf8'));
      assert.ok((history.events?.length ?? 0) > 10);
      // The bundle's tracing interceptors report spans to a sink; replay drops them.
      await Worker.runReplayHistory({ workflowBundle }, history, workflowIdOf(file));
    });
  }
});
