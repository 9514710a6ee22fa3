// Each activity group exposes only the activities its retry policy is for:
// the compiler refuses a create through the reads group (whose quick retries
// would resend a paid request), and the group holds no such function either.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activityGroups, type ActivityGroups } from '../../src/workflows/ad/activityGroups';

test('each activity group holds only the activities of its retry policy', () => {
  const groups: ActivityGroups = activityGroups({ heartbeatTimeoutMs: 30_000, outageBudgetMs: 60_000 }, { inFlight: 0 });
  const names = (group: keyof ActivityGroups) => Object.keys(groups[group]('summary')).sort();
  assert.deepEqual(names('reads'), ['cancelViduTask', 'checkAccountCredits', 'getTaskState', 'readSubRecords']);
  assert.deepEqual(names('creates'), ['createAdTask']);
  assert.deepEqual(names('spends'), ['startCompose', 'startEdit']);
  assert.deepEqual(names('saves'), ['saveResult', 'saveTakes']);
  assert.deepEqual(names('notifies'), ['notifyAdFinished']);
  // The same rule for the compiler (`npm run typecheck` fails if any of these lines compiles).
  const refusedByTheCompiler = (g: ActivityGroups) => [
    // @ts-expect-error: a create goes through the creates group only
    g.reads('x').createAdTask,
    // @ts-expect-error: an edit is a spend
    g.saves('x').startEdit,
    // @ts-expect-error: a read is not retried as a create
    g.creates('x').getTaskState,
  ];
  assert.equal(typeof refusedByTheCompiler, 'function');
});
