// The starter's own checks of an ad request's non-Vidu fields: the durations
// are bounded by the workflow's INPUT_LIMITS (one source of truth), each issue
// names its field and rule, and fields that belong to retryAd or to the
// workflow are refused with a word on whose they are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adRequestIssues, BOUNDED_FIELDS } from '../../src/starter/adRequest';
import { adInputProblems, INPUT_LIMITS } from '../../src/workflows/shared/inputRules';

const BASE = { adId: 'spring-42', images: ['https://example.com/a.png'] };

function issuesFor(extra: Record<string, unknown>) {
  return adRequestIssues({ ...BASE, ...extra });
}

describe('adRequestIssues', () => {
  it('bounds every top-level field the workflow bounds', () => {
    // The nested limits (polling, review) are checked under their own names.
    const nested = ['pollingInitialMs', 'pollingMaxMs', 'reviewWindowMs'];
    assert.deepEqual([...BOUNDED_FIELDS].sort(), Object.keys(INPUT_LIMITS).filter((k) => !nested.includes(k)).sort());
  });

  it('accepts every bounded field at both ends of its range', () => {
    for (const field of BOUNDED_FIELDS) {
      for (const value of [INPUT_LIMITS[field].min, INPUT_LIMITS[field].max]) assert.deepEqual(issuesFor({ [field]: value }), [], `${field} = ${value}`);
    }
    assert.deepEqual(issuesFor({ polling: { initialMs: INPUT_LIMITS.pollingInitialMs.min, maxMs: INPUT_LIMITS.pollingMaxMs.max } }), []);
  });

  it('names the field and the range of a value out of bounds', () => {
    const [issue] = issuesFor({ queueDeadlineMs: 1_000 });
    assert.equal(issue?.field, 'queueDeadlineMs');
    assert.equal(issue?.rule, 'must be a whole number of milliseconds from 5000 (5 s) to 604800000 (7 d) (got 1000)');
    assert.deepEqual(
      issuesFor({ taskDeadlineMs: INPUT_LIMITS.taskDeadlineMs.max + 1, outageBudgetMs: 10.5, createAdoptWindowMs: '1h' }).map((i) => i.field),
      ['taskDeadlineMs', 'outageBudgetMs', 'createAdoptWindowMs'],
    );
  });

  it('takes maxCredits as a positive whole number that pays for the create and a compose, naming the field', () => {
    assert.deepEqual(issuesFor({ maxCredits: 601 }), [], 'a 15 s ad (the default length): 600 to create, 1 to compose');
    assert.deepEqual(issuesFor({ maxCredits: 2_401, duration: 60 }), []);
    for (const bad of [0, -5, 10.5, '700', null]) {
      const [issue] = issuesFor({ maxCredits: bad });
      assert.equal(issue?.field, 'maxCredits', `maxCredits = ${JSON.stringify(bad)}`);
      assert.match(issue.rule, /^must be a positive whole number of credits/);
    }
    assert.deepEqual(issuesFor({ maxCredits: 600 }), [
      { field: 'maxCredits', rule: 'must be at least 601: creating a 15 s ad costs about 600 credits and composing it 1 (got 600)' },
    ]);
    assert.deepEqual(issuesFor({ maxCredits: 800, duration: 30 }).map((i) => i.field), ['maxCredits']);
    // The workflow's own last check says the same.
    assert.deepEqual(adInputProblems({ ...BASE, maxCredits: 600 }), ['maxCredits: must be at least 601: creating a 15 s ad costs about 600 credits and composing it 1 (got 600)']);
  });

  it('checks each polling value and their order', () => {
    assert.deepEqual(
      issuesFor({ polling: { initialMs: 100, maxMs: 2 * 3_600_000 } }).map((i) => i.field),
      ['polling.initialMs', 'polling.maxMs'],
    );
    assert.match(issuesFor({ polling: { initialMs: 5_000, maxMs: 2_000 } })[0]?.rule ?? '', /must not be less than polling.initialMs \(5000\)/);
    assert.deepEqual(issuesFor({ polling: { initialMs: 5_000 } }).map((i) => i.field), ['polling.maxMs']);
  });

  it('agrees with the workflow on what is out of bounds', () => {
    const bad = { taskDeadlineMs: 4_999, queueDeadlineMs: 8 * 86_400_000, outageBudgetMs: 9_999, createAdoptWindowMs: 999, heartbeatTimeoutMs: 601_000, review: { enabled: true, windowMs: 999, onTimeout: 'fail' } };
    const starter = issuesFor(bad).map((i) => i.field).sort();
    const workflow = adInputProblems({ ...BASE, ...bad }).map((p) => p.split(':')[0]).sort();
    assert.deepEqual(starter, workflow);
  });

  it("refuses resumeFromTaskId and continued: they are retryAd's and the workflow's", () => {
    const issues = issuesFor({ resumeFromTaskId: '384000874801790976', continued: {} });
    assert.deepEqual(issues.map((i) => i.field), ['resumeFromTaskId', 'continued']);
    assert.match(issues[0]!.rule, /set only by retryAd/);
  });

  it('checks the request id of an input edit', () => {
    const issues = issuesFor({ edits: [{ kind: 'narration', prompt: 'hi', requestId: 'has space' }] });
    assert.deepEqual(issues.map((i) => i.field), ['edits[0].requestId']);
  });
});
