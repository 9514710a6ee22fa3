// How `retryAd` decides, without a server: the facts it reads from a run's
// history (on the recorded histories in test/histories/), and the plan it
// makes from them: resume from the Vidu task already paid for, create again,
// or refuse.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultDataConverter } from '@temporalio/common';
import { AdRetryRefusedError } from '../../src/starter/errors';
import { runHistoryFacts, type RunHistoryFacts } from '../../src/starter/lastRun';
import { planRetry, statusRefusal, succeededMainTask } from '../../src/starter/retryPlan';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import { historyFromFileText } from '../support/historyFiles';

const HISTORIES = path.resolve(__dirname, '..', 'histories');

function factsOf(name: string): Promise<RunHistoryFacts> {
  const history = historyFromFileText(readFileSync(path.join(HISTORIES, `ad-history-${name}.json`), 'utf8'));
  return runHistoryFacts(history, defaultDataConverter);
}

function refusedWith(refusal: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof AdRetryRefusedError, String(err));
    assert.equal(err.refusal, refusal);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('run history facts', () => {
  it('reads the input, the published stages, the main task and the failure of a run', async () => {
    const facts = await factsOf('failed-main-task');
    assert.equal(facts.input.adId, 'history-failed-main-task');
    assert.deepEqual(facts.stagesReached, ['creating', 'generating', 'failed']);
    assert.equal(facts.viduTaskId, '386351457198145536');
    assert.equal(facts.failure?.type, FAILURE_TYPES.taskFailed);
    assert.deepEqual(facts.failure?.details[0], { taskId: '386351457198145536', state: 'failed', errCode: 'AuditSubmitIllegal' });
  });

  it('counts the attributes a continued run starts with', async () => {
    const facts = await factsOf('continued-as-new.run2');
    assert.equal(facts.stagesReached[0], 'review');
    assert.ok(facts.input.continued);
  });
});

describe('planRetry', () => {
  it('creates again when the main task itself failed', async () => {
    const facts = await factsOf('failed-main-task');
    assert.equal(succeededMainTask(facts).succeeded, false);
    const plan = planRetry('history-failed-main-task', facts);
    assert.equal(plan.action, 'retried');
    assert.deepEqual(plan.input, facts.input);
    assert.equal(plan.input.resumeFromTaskId, undefined);
  });

  it('resumes from the main task of an ad that failed after it (cancelled in review)', async () => {
    const facts = await factsOf('cancelled-by-signal');
    assert.equal(facts.failure?.type, FAILURE_TYPES.adCancelled);
    const plan = planRetry('history-cancelled-by-signal', facts);
    assert.equal(plan.action, 'resumed');
    assert.equal(plan.resumeFromTaskId, facts.viduTaskId);
    assert.deepEqual(plan.input, { ...facts.input, resumeFromTaskId: facts.viduTaskId });
  });

  it("resumes a continued review from the task in its state, without the run's carried state", async () => {
    const facts = await factsOf('continued-as-new.run2');
    const plan = planRetry('history-continued-as-new', { ...facts, failure: { type: FAILURE_TYPES.reviewTimedOut, message: 'late', details: [] } });
    assert.equal(plan.action, 'resumed');
    assert.equal(plan.resumeFromTaskId, '386351458670346240');
    assert.equal(plan.input.continued, undefined);
  });

  it('does not send the input edits again once an earlier run sent them', async () => {
    const facts = await factsOf('input-edits');
    const plan = planRetry('history-input-edits', { ...facts, failure: { type: 'ViduOutageBudgetExhausted', message: 'down', details: [] } });
    assert.equal(plan.action, 'resumed');
    assert.equal(plan.droppedEdits, 2);
    assert.equal(plan.input.edits, undefined);
    // Failed while reading, before the edits went out: they are still to be made.
    const early = planRetry('history-input-edits', { ...facts, stagesReached: ['creating', 'generating', 'reading', 'failed'] });
    assert.equal(early.droppedEdits, 0);
    assert.equal(early.input.edits?.length, 2);
  });

  it('creates again when a resumed run finds its task failed', () => {
    const facts: RunHistoryFacts = {
      input: { adId: 'a', images: ['https://example.com/a.png'], resumeFromTaskId: 't-1' },
      stagesReached: ['generating', 'failed'],
      viduTaskId: 't-1',
      failure: { type: FAILURE_TYPES.taskFailed, message: 'Vidu ad task t-1 ended failed', details: [{ taskId: 't-1', state: 'failed' }] },
    };
    const plan = planRetry('a', facts);
    assert.equal(plan.action, 'retried');
    assert.equal(plan.input.resumeFromTaskId, undefined);
  });

  it('refuses after ViduCreateOutcomeUnknown unless acknowledged, quoting the attempt marker', () => {
    const facts: RunHistoryFacts = {
      input: { adId: 'a', images: ['https://example.com/a.png'] },
      stagesReached: ['creating', 'failed'],
      failure: { type: FAILURE_TYPES.createOutcomeUnknown, message: 'reset', details: [{ attemptMarker: 'm-123' }] },
    };
    assert.throws(() => planRetry('a', facts), refusedWith('unknown-create-unacknowledged', /may exist and be billed.*m-123.*acknowledge/));
    assert.equal(planRetry('a', facts, { acknowledgeUnknownCreate: true }).action, 'retried');
  });

  it('refuses to pay again for a task it knows succeeded but cannot name', () => {
    const facts: RunHistoryFacts = { input: { adId: 'a', images: ['https://example.com/a.png'] }, stagesReached: ['creating', 'generating', 'reading', 'failed'] };
    assert.throws(() => planRetry('a', facts), refusedWith('task-id-unknown', /look it up at Vidu/));
  });
});

describe('statusRefusal', () => {
  it('lets failed, cancelled, terminated and timed-out runs through', () => {
    for (const status of ['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']) assert.equal(statusRefusal('a', { status }), undefined);
  });

  it('refuses a running ad and a done one, each with its reason', () => {
    assert.match(statusRefusal('a', { status: 'RUNNING', stage: 'review' })?.message ?? '', /still running \(RUNNING, stage review\)/);
    assert.equal(statusRefusal('a', { status: 'RUNNING' })?.refusal, 'running');
    assert.equal(statusRefusal('a', { status: 'COMPLETED' })?.refusal, 'done');
  });
});
