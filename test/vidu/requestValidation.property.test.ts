// Property: whatever a caller hands the Vidu request validators, they either
// accept it or throw a ViduValidationError listing field + rule for each
// problem. Any other exception (a TypeError from a bad image header, a
// JSON.stringify blow-up) would escape the client's error contract and reach
// an activity as an unclassified bug, so the inputs here lean towards the
// shapes that hit the hand-written parts: data URIs, odd numbers, odd types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anyValue } from '../support/anyValue';
import { ViduValidationError } from '../../src/vidu/errors';
import {
  ASPECT_RATIOS,
  EDIT_TYPES,
  LANGUAGES,
  validateComposeRequest,
  validateCreateAdRequest,
  validateEditRequest,
  validateTaskId,
} from '../../src/vidu/requestValidation';
import { dataUri, tinyJpeg, tinyPng, tinyWebp, tinyWebpExtended } from './tinyImages';

// Enough runs to cover the generators' branches; the whole file stays within a few seconds.
const RUNS = 400;
// A regex gone quadratic or a loop over a huge decoded size would show up as a slow call.
const SLOW_CALL_MS = 1_000;


const imageBytes = fc.oneof(
  fc.tuple(fc.constantFrom(tinyPng, tinyJpeg, tinyWebp, tinyWebpExtended), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })).map(
    ([make, w, h]) => make(w, h),
  ),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);

/** Real tiny images, with bytes overwritten or cut short now and then: what the header reader must survive. */
const maybeDamaged = fc
  .tuple(imageBytes, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
  .map(([bytes, edits, cutAt]) => {
    const copy = Buffer.from(bytes);
    for (const [at, value] of edits) if (copy.length > 0) copy[at % copy.length] = value;
    return cutAt === undefined ? copy : copy.subarray(0, cutAt % (copy.length + 1));
  });

/** Images Vidu takes: public URLs and tiny data-URI images whose sides are within 1:4 and 4:1. */
const goodImage = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true }),
  fc
    .tuple(fc.constantFrom(['png', tinyPng], ['jpeg', tinyJpeg], ['jpg', tinyJpeg], ['webp', tinyWebp], ['webp', tinyWebpExtended]), fc.integer({ min: 1, max: 40 }))
    .chain(([[mime, make], w]) => fc.integer({ min: Math.ceil(w / 4), max: Math.min(40, w * 4) }).map((h) => dataUri(`image/${mime}`, make(w, h)))),
);

const badImage = fc.oneof(
  fc.constantFrom('http://127.0.0.1/a.png', 'https://[::1]/a.png', 'http://localhost./a.png', 'http://0x7f.1/a.png', 'ftp://example.com/a.png', ' https://example.com/a.png'),
  fc.tuple(fc.constantFrom('png', 'jpeg', 'jpg', 'webp', 'gif', 'PNG'), maybeDamaged).map(([mime, bytes]) => dataUri(`image/${mime}`, bytes)),
  fc.tuple(fc.constantFrom('data:image/png;base64,', 'data:image/webp;base64,', 'data:'), fc.string({ maxLength: 40 })).map(([prefix, rest]) => prefix + rest),
  fc.string({ maxLength: 30 }),
  anyValue,
);

/** Mostly a value the rule allows, sometimes one it may not: so both acceptance and each rejection get exercised. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = anyValue) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });

const goodText = fc.string({ maxLength: 60, unit: 'grapheme' });
const badText = fc.oneof(anyValue, fc.constantFrom('', ' \n ', 'x'.repeat(2_001), '\u{1F600}'.repeat(2_001)));
const badNumber = fc.oneof(fc.integer({ min: -5, max: 80 }), fc.double(), fc.constantFrom(Number.NaN, Infinity, -0, 10.5, 1e21, '15'), anyValue);
const goodUrl = fc.webUrl({ validSchemes: ['http', 'https'] });
const goodTaskId = fc.stringMatching(/^\w{1,20}$/);
const badTaskId = fc.oneof(fc.constantFrom('', '   '), anyValue);

const createRequest = fc.oneof(
  { weight: 1, arbitrary: anyValue },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.record(
          {
            images: mostly(fc.array(mostly(goodImage, badImage), { minLength: 1, maxLength: 7 }), fc.array(goodImage, { maxLength: 9 })),
            prompt: mostly(goodText, badText),
            duration: mostly(fc.integer({ min: 10, max: 60 }), badNumber),
            aspect_ratio: mostly(fc.constantFrom(...ASPECT_RATIOS), fc.constantFrom('4:3', '', '16:9 ')),
            language: mostly(fc.constantFrom(...LANGUAGES), fc.constantFrom('fr', 'EN')),
            callback_url: mostly(goodUrl),
          },
          { requiredKeys: ['images'] },
        ),
        // Rarely: a payload (refused on create) or a field Vidu does not define (dropped).
        fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.record({ payload: badText }) }, { weight: 1, arbitrary: fc.record({ extra: anyValue }) }),
      )
      .map(([req, more]) => ({ ...req, ...more })),
  },
);

const editRequest = fc.oneof(
  { weight: 1, arbitrary: anyValue },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...EDIT_TYPES),
        fc.record(
          {
            ad_one_click_task_id: mostly(goodTaskId, badTaskId),
            prompt: mostly(goodText.filter((s) => s.trim() !== ''), badText),
            callback_url: mostly(goodUrl),
            payload: mostly(goodText, badText),
          },
          { requiredKeys: ['ad_one_click_task_id', 'prompt'] },
        ),
        mostly(fc.constant('fitting index'), badNumber),
        fc.nat(12),
      )
      .map(([type, rest, index, n]) => {
        // The index belongs to video edits only: a fitting one goes with generate_video, anything else is a probe.
        const storyboard = index === 'fitting index' ? (type === 'generate_video' ? { storyboard_video_index: n } : {}) : { storyboard_video_index: index };
        return { type, ...rest, ...storyboard };
      }),
  },
);

const composeRequest = fc.oneof(
  { weight: 1, arbitrary: anyValue },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        ad_one_click_task_id: mostly(goodTaskId, badTaskId),
        video_task_ids: mostly(fc.array(mostly(goodTaskId, badTaskId), { minLength: 1, maxLength: 6 }), fc.array(goodTaskId, { maxLength: 0 })),
        bgm_task_id: mostly(goodTaskId, badTaskId),
        narration_task_id: mostly(goodTaskId, badTaskId),
        callback_url: mostly(goodUrl),
        payload: mostly(goodText, badText),
      },
      { requiredKeys: ['ad_one_click_task_id', 'video_task_ids', 'bgm_task_id', 'narration_task_id'] },
    ),
  },
);

/** Runs one validation; fails the property unless it returned or threw a well-formed ViduValidationError, in good time. */
function acceptsOrExplains(validate: () => unknown): void {
  const started = performance.now();
  let accepted: unknown;
  let thrown: unknown;
  try {
    accepted = validate();
  } catch (err) {
    thrown = err;
  }
  const took = performance.now() - started;
  assert.ok(took < SLOW_CALL_MS, `one validation took ${Math.round(took)} ms`);
  if (thrown === undefined) {
    assert.ok(accepted !== undefined, 'an accepted request must be returned');
    return;
  }
  if (!(thrown instanceof ViduValidationError)) throw new Error(`expected ViduValidationError, got ${String(thrown)}`, { cause: thrown });
  assert.ok(thrown.issues.length > 0, 'a rejection must list at least one issue');
  for (const issue of thrown.issues) {
    assert.equal(typeof issue.field, 'string');
    assert.equal(typeof issue.rule, 'string');
    assert.ok(issue.field.trim() !== '', `an issue without a field: ${JSON.stringify(issue)}`);
    assert.ok(issue.rule.trim() !== '', `an issue without a rule: ${JSON.stringify(issue)}`);
  }
}

test('create: any input is accepted or rejected with field + rule issues', { timeout: 30_000 }, () => {
  fc.assert(
    fc.property(createRequest, (req) => acceptsOrExplains(() => validateCreateAdRequest(req))),
    { numRuns: RUNS },
  );
});

test('edit: any input is accepted or rejected with field + rule issues', { timeout: 30_000 }, () => {
  fc.assert(
    fc.property(editRequest, (req) => acceptsOrExplains(() => validateEditRequest(req))),
    { numRuns: RUNS },
  );
});

test('compose: any input, with or without a storyboard count, is accepted or rejected with field + rule issues', { timeout: 30_000 }, () => {
  fc.assert(
    fc.property(composeRequest, fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }), (req, storyboardCount) =>
      acceptsOrExplains(() => validateComposeRequest(req, { storyboardCount })),
    ),
    { numRuns: RUNS },
  );
});

test('task ids: anything is returned as a task id or rejected naming the field', () => {
  fc.assert(
    fc.property(mostly(goodTaskId, badTaskId), (id) => acceptsOrExplains(() => validateTaskId(id))),
    { numRuns: RUNS },
  );
});

test('an accepted create request is one Vidu would take: 1-7 images, no payload, only known fields', { timeout: 30_000 }, () => {
  fc.assert(
    fc.property(createRequest, (req) => {
      let accepted;
      try {
        accepted = validateCreateAdRequest(req);
      } catch (err) {
        if (err instanceof ViduValidationError) return;
        throw err;
      }
      assert.ok(accepted.images.length >= 1 && accepted.images.length <= 7);
      assert.ok(!('payload' in accepted));
      for (const key of Object.keys(accepted)) assert.ok(['images', 'prompt', 'duration', 'aspect_ratio', 'language', 'callback_url'].includes(key), key);
    }),
    { numRuns: RUNS },
  );
});

test('a request made only of allowed values is accepted as it is', { timeout: 30_000 }, () => {
  const create = fc.record(
    {
      images: fc.array(goodImage, { minLength: 1, maxLength: 7 }),
      prompt: goodText,
      duration: fc.integer({ min: 10, max: 60 }),
      aspect_ratio: fc.constantFrom(...ASPECT_RATIOS),
      language: fc.constantFrom(...LANGUAGES),
      callback_url: goodUrl,
    },
    // Plain objects: deepEqual compares prototypes, and the validator returns plain ones.
    { requiredKeys: ['images'], noNullPrototype: true },
  );
  fc.assert(
    fc.property(create, (req) => assert.deepEqual(validateCreateAdRequest(req), req)),
    { numRuns: 150 },
  );
  const compose = fc.record(
    {
      ad_one_click_task_id: goodTaskId,
      video_task_ids: fc.array(goodTaskId, { minLength: 1, maxLength: 6 }),
      bgm_task_id: goodTaskId,
      narration_task_id: goodTaskId,
    },
    { noNullPrototype: true },
  );
  fc.assert(
    fc.property(compose, (req) => assert.deepEqual(validateComposeRequest(req, { storyboardCount: req.video_task_ids.length }), req)),
    { numRuns: 150 },
  );
});
