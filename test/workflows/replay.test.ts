// Replays the recorded histories of the main paths (test/histories/, made by
// test/support/recordHistories.ts) against the current workflow code: a
// change that running ads could not replay fails here, before it ships.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { readRecordedHistory, recordedHistoryFiles, workflowIdOf } from '../support/historyFiles';
import { suiteResource } from '../support/suiteResource';
import { openTemporalTestEnv } from '../support/temporalTestEnv';

const files = recordedHistoryFiles();

describe('recorded histories replay', () => {
  const env = suiteResource(openTemporalTestEnv, (opened) => opened.close());

  it('has the main paths recorded', () => {
    const recorded = new Set(files.map(workflowIdOf));
    for (const path of ['no-edits', 'input-edits', 'review-approved', 'review-timeout-keep-first', 'cancelled-by-signal', 'failed-main-task', 'continued-as-new', 'credit-budget']) {
      assert.ok(recorded.has(`ad-history-${path}`), `test/histories holds ${path}`);
    }
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = readRecordedHistory(file);
      assert.ok((history.events?.length ?? 0) > 10);
      // The bundle's tracing interceptors report spans to a sink; replay drops them.
      await Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, history, workflowIdOf(file));
    });
  }
});
