// Property: adInputProblems is the workflow's last check before it spends
// credits, and it runs inside the workflow, where an exception would fail the
// workflow task and retry it forever instead of failing the ad with a reason.
// So: for any value it returns "field: rule" strings and never throws; an
// input inside every documented bound (INPUT_LIMITS) passes; and any numeric
// field pushed out of its bound is reported under that field's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anyValue } from '../support/anyValue';
import { adInputProblems, INPUT_LIMITS } from '../../src/workflows/shared/inputRules';

const RUNS = 500;

type LimitName = keyof typeof INPUT_LIMITS;

/** Where each bound applies in the input. Typed over every limit, so a new one fails to compile until it is placed. */
const PATH_OF: Record<LimitName, string> = {
  taskDeadlineMs: 'taskDeadlineMs',
  queueDeadlineMs: 'queueDeadlineMs',
  outageBudgetMs: 'outageBudgetMs',
  createAdoptWindowMs: 'createAdoptWindowMs',
  heartbeatTimeoutMs: 'heartbeatTimeoutMs',
  pollingInitialMs: 'polling.initialMs',
  pollingMaxMs: 'polling.maxMs',
  reviewWindowMs: 'review.windowMs',
  continueAsNewAfterEvents: 'continueAsNewAfterEvents',
};
const TOP_LEVEL_LIMITS = (Object.keys(PATH_OF) as LimitName[]).filter((name) => !PATH_OF[name].includes('.'));


const within = (name: LimitName) => fc.integer({ min: INPUT_LIMITS[name].min, max: INPUT_LIMITS[name].max });

const validAdId = fc.stringMatching(/^[\w.-]{1,128}$/).filter((id) => !/^\.+$/.test(id));
const validImage = fc.oneof(fc.webUrl({ validSchemes: ['http', 'https'] }), fc.stringMatching(/^stored:[\w/.-]{1,60}$/));
const validPolling = within('pollingInitialMs').chain((initialMs) =>
  fc.integer({ min: Math.max(initialMs, INPUT_LIMITS.pollingMaxMs.min), max: INPUT_LIMITS.pollingMaxMs.max }).map((maxMs) => ({ initialMs, maxMs })),
);
const validReview = fc.record({
  enabled: fc.boolean(),
  windowMs: within('reviewWindowMs'),
  onTimeout: fc.constantFrom('compose-selected', 'keep-first-video', 'fail'),
});

/** An input inside every documented bound; optional fields come and go. */
const validInput = fc
  .tuple(
    fc.record({ adId: validAdId, images: fc.array(validImage, { minLength: 1, maxLength: 7 }) }),
    fc.record(
      {
        prompt: fc.string({ maxLength: 40 }),
        duration: fc.integer({ min: 10, max: 60 }),
        aspectRatio: fc.constantFrom('16:9', '9:16', '1:1'),
        language: fc.constantFrom('zh', 'en'),
        review: validReview,
        polling: validPolling,
        resumeFromTaskId: fc.stringMatching(/^[\w-]{1,64}$/),
        ...Object.fromEntries(TOP_LEVEL_LIMITS.map((name) => [name, within(name)])),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([required, optional]): Record<string, unknown> => ({ ...required, ...optional }));

/** A value outside a bound: below, above, not whole, not finite, not a number. */
function outside(name: LimitName): fc.Arbitrary<unknown> {
  const { min, max } = INPUT_LIMITS[name];
  return fc.oneof(
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min, max: max - 1 }).map((n) => n + 0.5),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, null, String(min), true),
  );
}

/** "field: rule" with a dotted field name and a non-empty rule. */
const FIELD_RULE = /^([A-Za-z]\w*(?:\.[A-Za-z]\w*)*): \S.*$/s;

function fieldOf(problem: string): string {
  return FIELD_RULE.exec(problem)?.[1] ?? '';
}

/** A problem names `path` when its field is the path or the object holding it ("polling" for polling.maxMs). */
function names(problems: string[], path: string): boolean {
  return problems.some((p) => {
    const field = fieldOf(p);
    return field !== '' && (field === path || path.startsWith(`${field}.`));
  });
}

const inputLike = fc.oneof(
  anyValue,
  validInput.chain((input) =>
    // A valid input with some fields replaced by anything at all.
    fc
      .array(fc.tuple(fc.constantFrom('adId', 'images', 'review', 'polling', 'resumeFromTaskId', ...TOP_LEVEL_LIMITS), anyValue), { maxLength: 4 })
      .map((swaps) => ({ ...input, ...Object.fromEntries(swaps) })),
  ),
);

test('any value gives an array of "field: rule" strings and never throws', () => {
  fc.assert(
    fc.property(inputLike, (input) => {
      const problems = adInputProblems(input);
      assert.ok(Array.isArray(problems));
      for (const problem of problems) {
        assert.equal(typeof problem, 'string');
        assert.match(problem, FIELD_RULE);
      }
    }),
    { numRuns: RUNS },
  );
});

test('an input inside every documented bound has no problems', () => {
  fc.assert(
    fc.property(validInput, (input) => assert.deepEqual(adInputProblems(input), [])),
    { numRuns: RUNS },
  );
});

test('each numeric field pushed outside its bound is reported under its name', () => {
  const pushedOut = fc.constantFrom(...(Object.keys(PATH_OF) as LimitName[])).chain((name) => fc.tuple(fc.constant(name), outside(name), validInput, validPolling, validReview));
  fc.assert(
    fc.property(pushedOut, ([name, bad, input, polling, review]) => {
      const path = PATH_OF[name];
      const broken: Record<string, unknown> = { ...input };
      if (path === 'polling.initialMs') broken.polling = { ...polling, initialMs: bad };
      else if (path === 'polling.maxMs') broken.polling = { ...polling, maxMs: bad };
      // The review window only matters while review is on.
      else if (path === 'review.windowMs') broken.review = { ...review, enabled: true, windowMs: bad };
      else broken[path] = bad;
      const problems = adInputProblems(broken);
      assert.ok(names(problems, path), `${path} = ${String(bad)} gave ${JSON.stringify(problems)}`);
    }),
    { numRuns: RUNS },
  );
});

test('a polling maximum below the initial interval is reported under polling.maxMs', () => {
  const inverted = within('pollingInitialMs')
    .filter((initialMs) => initialMs > INPUT_LIMITS.pollingMaxMs.min)
    .chain((initialMs) => fc.integer({ min: INPUT_LIMITS.pollingMaxMs.min, max: initialMs - 1 }).map((maxMs) => ({ initialMs, maxMs })));
  fc.assert(
    fc.property(validInput, inverted, (input, polling) => {
      const problems = adInputProblems({ ...input, polling });
      assert.ok(problems.some((p) => fieldOf(p) === 'polling.maxMs'), JSON.stringify(problems));
    }),
    { numRuns: 200 },
  );
});
