// Property: adRequestIssues checks what other services and the start-ad
// command hand the starter before anything is stored or started. Whatever
// arrives (JSON from another service, a half-filled object), it answers a
// list of issues that each name a field and a rule, and never throws: an
// exception would reach the caller as a bug instead of an AdInputError that
// says what to fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adRequestIssues } from '../../src/starter/adRequest';
import { adInputProblems } from '../../src/workflows/inputRules';
import type { InputIssue } from '../../src/starter/errors';

const RUNS = 500;
const DAY_MS = 86_400_000;

const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withObjectString: true,
});

/** The starter's own bounds (src/starter/adRequest.ts), as its messages state them. */
const BOUNDS = {
  maxEdits: { min: 0, max: 100 },
  taskDeadlineMs: { min: 10_000, max: 7 * DAY_MS },
  'review.windowMs': { min: 1_000, max: 30 * DAY_MS },
  'polling.initialMs': { min: 100, max: DAY_MS },
  'polling.maxMs': { min: 100, max: DAY_MS },
  'edits[0].storyboardIndex': { min: 0, max: 1000 },
} as const;
type Bounded = keyof typeof BOUNDS;

const within = (field: Bounded) => fc.integer(BOUNDS[field]);

const prompt = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const validEdit = fc.oneof(
  fc.record({ kind: fc.constant('video'), storyboardIndex: within('edits[0].storyboardIndex'), prompt }),
  fc.record({ kind: fc.constantFrom('narration', 'bgm'), prompt }),
);
const validPolling = within('polling.initialMs').chain((initialMs) =>
  fc.integer({ min: initialMs, max: BOUNDS['polling.maxMs'].max }).map((maxMs) => ({ initialMs, maxMs })),
);
const validReview = fc.record({
  enabled: fc.boolean(),
  windowMs: within('review.windowMs'),
  onTimeout: fc.constantFrom('compose-selected', 'keep-first-video', 'fail'),
});

/** A request whose non-Vidu fields are all fine (Vidu's own fields are the Vidu validator's job). */
const validRequest = fc
  .tuple(
    fc.record({ adId: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/), images: fc.array(fc.webUrl(), { minLength: 1, maxLength: 7 }) }),
    fc.record(
      {
        prompt: fc.string({ maxLength: 40 }),
        duration: fc.integer({ min: 10, max: 60 }),
        aspectRatio: fc.constantFrom('16:9', '9:16', '1:1'),
        language: fc.constantFrom('zh', 'en'),
        edits: fc.array(validEdit, { maxLength: 4 }),
        review: validReview,
        maxEdits: within('maxEdits'),
        taskDeadlineMs: within('taskDeadlineMs'),
        polling: validPolling,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([required, optional]): Record<string, unknown> => ({ ...required, ...optional }));

const FIELDS = ['adId', 'images', 'prompt', 'duration', 'aspectRatio', 'language', 'edits', 'review', 'maxEdits', 'taskDeadlineMs', 'polling'];

const requestLike = fc.oneof(
  anyValue,
  validRequest.chain((request) =>
    // A valid request with some fields replaced by anything, and now and then a field of its own.
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), anyValue), { maxLength: 4 })
      .map((swaps) => ({ ...request, ...Object.fromEntries(swaps) })),
  ),
);

function assertWellFormed(issues: InputIssue[]): void {
  assert.ok(Array.isArray(issues));
  for (const issue of issues) {
    assert.equal(typeof issue.field, 'string');
    assert.equal(typeof issue.rule, 'string');
    assert.ok(issue.field.trim() !== '', `an issue without a field: ${JSON.stringify(issue)}`);
    assert.ok(issue.rule.trim() !== '', `an issue without a rule: ${JSON.stringify(issue)}`);
  }
}

test('any value gives a list of issues that each name a field and a rule, and never throws', () => {
  fc.assert(
    fc.property(requestLike, (request) => assertWellFormed(adRequestIssues(request))),
    { numRuns: RUNS },
  );
});

test('a request whose own fields are inside their bounds has no issues', () => {
  fc.assert(
    fc.property(validRequest, (request) => assert.deepEqual(adRequestIssues(request), [])),
    { numRuns: RUNS },
  );
});

/** A value outside a bound: below, above, not whole, not finite, not a number. */
function outside(field: Bounded): fc.Arbitrary<unknown> {
  const { min, max } = BOUNDS[field];
  return fc.oneof(
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min, max: max - 1 }).map((n) => n + 0.5),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, null, String(min), true),
  );
}

test('each numeric field pushed outside its bound is reported under its name', () => {
  const pushedOut = fc
    .constantFrom(...(Object.keys(BOUNDS) as Bounded[]))
    .chain((field) => fc.tuple(fc.constant(field), outside(field), validRequest, validPolling, validReview, prompt));
  fc.assert(
    fc.property(pushedOut, ([field, bad, request, polling, review, editPrompt]) => {
      const broken: Record<string, unknown> = { ...request };
      if (field === 'polling.initialMs') broken.polling = { ...polling, initialMs: bad };
      else if (field === 'polling.maxMs') broken.polling = { ...polling, maxMs: bad };
      else if (field === 'review.windowMs') broken.review = { ...review, windowMs: bad };
      else if (field === 'edits[0].storyboardIndex') broken.edits = [{ kind: 'video', storyboardIndex: bad, prompt: editPrompt }];
      else broken[field] = bad;
      const issues = adRequestIssues(broken);
      assertWellFormed(issues);
      // polling is checked as a pair, so its issue names the object holding the bad number.
      const named = issues.some((i) => i.field === field || field.startsWith(`${i.field}.`));
      assert.ok(named, `${field} = ${String(bad)} gave ${JSON.stringify(issues)}`);
    }),
    { numRuns: RUNS },
  );
});

test('a field an ad request does not have is named', () => {
  const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !FIELDS.includes(k) && k.trim() !== '' && k !== '__proto__');
  fc.assert(
    fc.property(validRequest, unknownKey, anyValue, (request, key, value) => {
      const issues = adRequestIssues({ ...request, [key]: value });
      assert.ok(issues.some((i) => i.field === key && /not a field/.test(i.rule)), JSON.stringify(issues));
    }),
    { numRuns: RUNS },
  );
});

// inputRules.ts says the starter checks the same bounds as the workflow, so a caller hears about a bad
// value before a workflow exists. They differ today, so a request the starter accepts can start a
// workflow that fails at once: adId "." or ".." (the workflow refuses ids of only dots), taskDeadlineMs
// (10 s to 7 days here, 5 s to 24 h in the workflow), polling (100 ms to 1 day here, 1 s to 1 h there).
// Marked todo until the starter takes the workflow's rules (INPUT_LIMITS).
test('whatever the starter accepts, the workflow accepts too', { todo: 'the starter and the workflow disagree on adId, taskDeadlineMs and polling' }, () => {
  fc.assert(
    fc.property(validRequest, (request) => {
      if (adRequestIssues(request).length === 0) assert.deepEqual(adInputProblems(request), []);
    }),
    { numRuns: RUNS },
  );
});
