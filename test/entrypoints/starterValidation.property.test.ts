// Property: adRequestIssues checks what other services and the start-ad
// command hand the starter before anything is stored or started. Whatever
// arrives (JSON from another service, a half-filled object), it answers a
// list of issues that each name a field and a rule, and never throws: an
// exception would reach the caller as a bug instead of an AdInputError that
// says what to fix. Its bounds are the workflow's (INPUT_LIMITS), so what the
// starter accepts the workflow accepts too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anyValue } from '../support/anyValue';
import { adRequestIssues, BOUNDED_FIELDS } from '../../src/starter/adRequest';
import { adInputProblems, INPUT_LIMITS } from '../../src/workflows/shared/inputRules';
import type { InputIssue } from '../../src/starter/errors';

const RUNS = 300;

type Limit = { min: number; max: number };
type TopLevelBounded = (typeof BOUNDED_FIELDS)[number];
type WorkflowBounded = TopLevelBounded | 'review.windowMs' | 'polling.initialMs' | 'polling.maxMs';
type Bounded = WorkflowBounded | 'maxEdits' | 'edits[0].storyboardIndex';

/** The workflow's bounds (INPUT_LIMITS), under the names a caller writes them. */
const WORKFLOW_BOUNDS: Record<WorkflowBounded, Limit> = {
  ...(Object.fromEntries(BOUNDED_FIELDS.map((field): [TopLevelBounded, Limit] => [field, INPUT_LIMITS[field]])) as Record<TopLevelBounded, Limit>),
  'review.windowMs': INPUT_LIMITS.reviewWindowMs,
  'polling.initialMs': INPUT_LIMITS.pollingInitialMs,
  'polling.maxMs': INPUT_LIMITS.pollingMaxMs,
};
/** Those, and the starter's own bounds (the workflow does not bound these), as its messages state them. */
const BOUNDS: Record<Bounded, Limit> = {
  ...WORKFLOW_BOUNDS,
  maxEdits: { min: 0, max: 100 },
  'edits[0].storyboardIndex': { min: 0, max: 1000 },
};
const isWorkflowBounded = (field: Bounded): field is WorkflowBounded => field in WORKFLOW_BOUNDS;


const within = (field: Bounded) => fc.integer(BOUNDS[field]);

const validAdId = fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/).filter((id) => !/^\.+$/.test(id));
const prompt = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const validEdit = fc.oneof(
  fc.record({ kind: fc.constant('video'), storyboardIndex: within('edits[0].storyboardIndex'), prompt }),
  fc.record({ kind: fc.constantFrom('narration', 'bgm'), prompt }),
);
/** initialMs first, then a maxMs no smaller: both inside their own bounds. */
const validPolling = fc
  .integer({ min: BOUNDS['polling.initialMs'].min, max: Math.min(BOUNDS['polling.initialMs'].max, BOUNDS['polling.maxMs'].max) })
  .chain((initialMs) =>
    fc.integer({ min: Math.max(initialMs, BOUNDS['polling.maxMs'].min), max: BOUNDS['polling.maxMs'].max }).map((maxMs) => ({ initialMs, maxMs })),
  );
const reviewOutcome = fc.constantFrom('compose-selected', 'keep-first-video', 'fail');
const validReview = fc.record({ enabled: fc.boolean(), windowMs: within('review.windowMs'), onTimeout: reviewOutcome });
/** Images as they reach the workflow (the starter stores data: URIs and local files first; the Vidu validator checks them). */
const images = fc.array(fc.webUrl(), { minLength: 1, maxLength: 7 });

/** A request whose non-Vidu fields are all fine (Vidu's own fields are the Vidu validator's job). */
const validRequest = fc
  .tuple(
    fc.record({ adId: validAdId, images }),
    fc.record(
      {
        prompt: fc.string({ maxLength: 40 }),
        duration: fc.integer({ min: 10, max: 60 }),
        aspectRatio: fc.constantFrom('16:9', '9:16', '1:1'),
        language: fc.constantFrom('zh', 'en'),
        edits: fc.array(validEdit, { maxLength: 4 }),
        review: validReview,
        maxEdits: within('maxEdits'),
        polling: validPolling,
        ...Object.fromEntries(BOUNDED_FIELDS.map((field) => [field, within(field)])),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([required, optional]): Record<string, unknown> => ({ ...required, ...optional }))
  // An ad is given no more edits than its maxEdits allows.
  .map((request) => (Array.isArray(request.edits) && typeof request.maxEdits === 'number' ? { ...request, maxEdits: Math.max(request.maxEdits, request.edits.length) } : request));

/** Every field of an ad request, and the two that exist but are not the caller's. */
const FIELDS: string[] = ['adId', 'images', 'prompt', 'duration', 'aspectRatio', 'language', 'edits', 'review', 'maxEdits', 'polling', ...BOUNDED_FIELDS];
const NOT_THE_CALLERS = ['resumeFromTaskId', 'continued'];
/** Keys that an object literal finds on Object.prototype. */
const PROTOTYPE_KEYS = ['toString', 'valueOf', 'constructor', 'hasOwnProperty', 'isPrototypeOf', '__proto__', '__defineGetter__'];

const requestLike = fc.oneof(
  anyValue,
  // A valid request with some fields replaced by anything, and now and then a field of its own.
  validRequest.chain((request) =>
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS, ...NOT_THE_CALLERS, ...PROTOTYPE_KEYS), fc.string({ maxLength: 8 })), anyValue), { maxLength: 4 })
      .map((swaps) => ({ ...request, ...Object.fromEntries(swaps) })),
  ),
  // A valid request whose nested values (polling, review, an edit) are anything.
  fc
    .tuple(
      validRequest,
      fc.record({ initialMs: anyValue, maxMs: anyValue }, { requiredKeys: [] }),
      fc.record({ enabled: anyValue, windowMs: anyValue, onTimeout: anyValue }, { requiredKeys: [] }),
      fc.record({ kind: anyValue, storyboardIndex: anyValue, prompt: anyValue, requestId: anyValue }, { requiredKeys: [] }),
      fc.nat(7),
    )
    .map(([request, polling, review, edit, which]) => ({
      ...request,
      ...((which & 1) !== 0 ? { polling } : {}),
      ...((which & 2) !== 0 ? { review } : {}),
      ...((which & 4) !== 0 ? { edits: [edit] } : {}),
    })),
);

function assertWellFormed(issues: InputIssue[]): void {
  assert.ok(Array.isArray(issues));
  for (const issue of issues) {
    assert.equal(typeof issue.field, 'string', `a field that is not text: ${String(issue.field)}`);
    assert.equal(typeof issue.rule, 'string', `a rule that is not text, for ${String(issue.field)}`);
    assert.ok(issue.field.trim() !== '', `an issue without a field: ${JSON.stringify(issue)}`);
    assert.ok(issue.rule.trim() !== '', `an issue without a rule: ${JSON.stringify(issue)}`);
  }
}

test('any value gives a list of issues that each name a field and a rule, and never throws', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const base = { adId: 'spring-42', images: ['https://example.com/a.png'] };
  fc.assert(
    fc.property(requestLike, (request) => assertWellFormed(adRequestIssues(request))),
    {
      numRuns: RUNS,
      // Values that once made it throw (JSON.stringify of a BigInt) or name a rule that was not text.
      examples: [
        [{ ...base, taskDeadlineMs: [0n] }],
        [{ ...base, queueDeadlineMs: 5000n, polling: { initialMs: Object(1n), maxMs: 2000 } }],
        [{ ...base, review: { enabled: true, windowMs: cyclic, onTimeout: 'fail' } }],
        [{ ...base, toString: 1, constructor: null }],
      ],
    },
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
    fc.constantFrom(Number.NaN, Infinity, -Infinity, null, String(min), true, BigInt(min), [min], { value: max }),
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
      const issue = issues.find((i) => i.field === field);
      assert.ok(issue, `${field} = ${String(bad)} gave ${JSON.stringify(issues)}`);
      // The workflow's bounds are stated in the rule, so the caller knows what to write instead.
      if (isWorkflowBounded(field)) {
        const { min, max } = BOUNDS[field];
        assert.ok(issue.rule.includes(String(min)) && issue.rule.includes(String(max)), `${field}: ${issue.rule}`);
      }
    }),
    { numRuns: RUNS },
  );
});

test('a field an ad request does not have is named', () => {
  const unknownKey = fc
    .oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ minLength: 1, maxLength: 12 }))
    .filter((k) => !FIELDS.includes(k) && !NOT_THE_CALLERS.includes(k) && k.trim() !== '');
  fc.assert(
    fc.property(validRequest, unknownKey, anyValue, (request, key, value) => {
      const issues = adRequestIssues({ ...request, [key]: value });
      assert.ok(issues.some((i) => i.field === key && /not a field/.test(i.rule)), JSON.stringify(issues));
    }),
    { numRuns: RUNS },
  );
});

/** Mostly a value inside the workflow's bound, sometimes one just outside it. */
function nearBound(field: WorkflowBounded): fc.Arbitrary<number> {
  const { min, max } = WORKFLOW_BOUNDS[field];
  return fc.oneof({ weight: 9, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, min + 0.5, max - 0.5) });
}

// inputRules.ts says the starter checks the same bounds as the workflow, so a caller hears about a bad
// value before a workflow exists. Were they to differ, a request the starter accepts could start a
// workflow that fails at once (as adId "." once did, and taskDeadlineMs and polling under the starter's
// old bounds). The requests sit on and just past the workflow's bounds, so a starter bound wider than
// the workflow's is found; images are as they reach the workflow (the starter stores data: URIs first).
test('whatever the starter accepts, the workflow accepts too', () => {
  const adId = fc.oneof(
    { weight: 3, arbitrary: validAdId },
    { weight: 1, arbitrary: fc.constantFrom('.', '..', '...', '-', '_', '.a', 'a.', 'a'.repeat(128), 'a'.repeat(129), '', 'a b', 'é') },
  );
  const nearRequest = fc
    .tuple(
      fc.record({ adId, images }),
      fc.record(
        {
          review: fc.record({ enabled: fc.boolean(), windowMs: nearBound('review.windowMs'), onTimeout: reviewOutcome }),
          polling: fc.oneof(validPolling, fc.record({ initialMs: nearBound('polling.initialMs'), maxMs: nearBound('polling.maxMs') })),
          ...Object.fromEntries(BOUNDED_FIELDS.map((field) => [field, nearBound(field)])),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([required, optional]): Record<string, unknown> => ({ ...required, ...optional }));
  let accepted = 0;
  fc.assert(
    fc.property(nearRequest, (request) => {
      if (adRequestIssues(request).length > 0) return;
      accepted += 1;
      assert.deepEqual(adInputProblems(request), [], JSON.stringify(request));
    }),
    { numRuns: RUNS },
  );
  // Not vacuous: a fair share of the requests got past the starter and were put to the workflow.
  assert.ok(accepted >= RUNS / 5, `only ${accepted} of ${RUNS} requests were accepted by the starter`);
});
