// Property-based tests of the callback body parser: whatever a (verified)
// sender puts in the body, query or nonce, the parser answers with a compact
// signal or a clear reason, never throws, and never lets a URL through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CALLBACK_FIELD_MAX_CHARS, callbackSignalFrom, checkCallbackSignal, type CallbackSignalResult } from '../../src/callbacks/viduCallback';

const RUNS = { numRuns: 300 };
const ALLOWED_KEYS = new Set(['taskId', 'state', 'progress', 'errCode', 'createAttempt', 'nonce']);
const NO_QUERY = new URLSearchParams();

/** What every answer must look like, whatever the input. */
function assertWellFormed(result: CallbackSignalResult): void {
  if (!result.ok) {
    assert.equal(typeof result.detail, 'string');
    assert.ok(result.detail.length > 0, 'a refusal says why');
    return;
  }
  const { signal } = result;
  for (const [key, value] of Object.entries(signal)) {
    assert.ok(ALLOWED_KEYS.has(key), `unexpected key ${key}`);
    if (key === 'progress') {
      assert.ok(typeof value === 'number' && Number.isFinite(value), `progress ${String(value)}`);
      continue;
    }
    assert.equal(typeof value, 'string', key);
    const text = value as string;
    assert.ok(text.length >= 1 && text.length <= CALLBACK_FIELD_MAX_CHARS[key as keyof typeof CALLBACK_FIELD_MAX_CHARS], `${key} length ${text.length}`);
    // No ":" and no "/": no URL of any scheme can be spelled.
    assert.match(text, /^[A-Za-z0-9_.-]+$/, `${key}: ${JSON.stringify(text)}`);
  }
  assert.equal(typeof signal.taskId, 'string');
  assert.equal(typeof signal.nonce, 'string');
}

function parse(body: string | Uint8Array, query = NO_QUERY, nonce = 'nonce-1'): CallbackSignalResult {
  return callbackSignalFrom(Buffer.from(body).toString('utf8'), query, nonce);
}

/** Text that is not a URL; the only "http" in the bodies below comes from `mediaUrl`. */
const plainText = fc.string({ maxLength: 80 }).filter((s) => !s.toLowerCase().includes('http'));
const mediaUrl = fc.webUrl({ withQueryParameters: true }).map((url) => `${url}${url.includes('?') ? '&' : '?'}sig=x`);
/** Values a field might carry: right and wrong types, plausible ids, URLs. */
const anyFieldValue = fc.oneof(
  plainText,
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,80}$/),
  mediaUrl,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(mediaUrl, { maxLength: 3 }),
  fc.dictionary(plainText, mediaUrl, { maxKeys: 3 }),
);
/** Mostly what Vidu sends, sometimes anything: so that both answers, signal and refusal, come up often. */
const mostlyToken = (maxChars: number) =>
  fc.oneof({ weight: 4, arbitrary: fc.stringMatching(new RegExp(`^[A-Za-z0-9_.-]{1,${maxChars}}$`)) }, { weight: 1, arbitrary: anyFieldValue });
const mostlyProgress = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 1, arbitrary: anyFieldValue });
const creation = fc.record({ id: plainText, url: mediaUrl, cover_url: mediaUrl, watermarked_url: mediaUrl });
/** A body shaped like Vidu's callback, every field optional and of any type, carrying media URLs. */
const callbackLikeBody = fc.record(
  {
    id: mostlyToken(64),
    task_id: mostlyToken(64),
    state: mostlyToken(32),
    progress: mostlyProgress,
    err_code: mostlyToken(128),
    credits: anyFieldValue,
    payload: fc.oneof(mediaUrl, plainText),
    creations: fc.array(creation, { maxLength: 3 }),
    video_url: mediaUrl,
  },
  { requiredKeys: [] },
);

describe('callbackSignalFrom, for any input', () => {
  it('answers any bytes with a signal or a reason, never a throw', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => assertWellFormed(parse(bytes))),
      RUNS,
    );
  });

  it('answers any JSON value the same way', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => assertWellFormed(parse(JSON.stringify(value) ?? 'null'))),
      RUNS,
    );
  });

  it('never lets a URL or any other body field into the signal', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(callbackLikeBody, (body) => {
        const result = parse(JSON.stringify(body));
        assertWellFormed(result);
        if (result.ok) assert.ok(!JSON.stringify(result.signal).toLowerCase().includes('http'), JSON.stringify(result.signal));
      }),
      RUNS,
    );
  });

  it('takes any query and nonce without throwing, keeping createAttempt only when it is a plain marker', { timeout: 5_000 }, () => {
    const anyString = fc.string({ unit: 'binary', maxLength: 150 });
    fc.assert(
      fc.property(anyString, anyString, anyString, (rawQuery, attempt, nonce) => {
        const query = new URLSearchParams(rawQuery);
        query.append('createAttempt', attempt);
        const result = parse('{"id":"123","state":"processing"}', query, nonce);
        assertWellFormed(result);
        const firstAttempt = query.get('createAttempt') ?? '';
        if (result.ok) assert.equal(result.signal.createAttempt, firstAttempt === '' ? undefined : firstAttempt);
      }),
      RUNS,
    );
  });

  it('keeps exactly the fields of a well-formed callback', { timeout: 5_000 }, () => {
    const token = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_.-]{1,${max}}$`));
    fc.assert(
      fc.property(
        token(64),
        token(32),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        token(128),
        fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
        token(128),
        (id, state, progress, errCode, createAttempt, nonce) => {
          const body = JSON.stringify({ id, state, progress, err_code: errCode, credits: 10, creations: [{ url: 'https://cdn.example/v.mp4' }] });
          const result = parse(body, new URLSearchParams({ workflowId: 'ad-1', createAttempt }), nonce);
          // JSON carries -0 as 0, so compare with what went through it.
          const sentProgress = JSON.parse(JSON.stringify(progress)) as number;
          assert.deepEqual(result, { ok: true, signal: { taskId: id, state, progress: sentProgress, errCode, createAttempt, nonce } });
        },
      ),
      RUNS,
    );
  });
});

describe('checkCallbackSignal, the workflow\'s check of a signal, for any input', () => {
  it('takes every signal the receiver makes, unchanged', { timeout: 5_000 }, () => {
    fc.assert(
      fc.property(callbackLikeBody, fc.oneof(fc.constant(NO_QUERY), fc.string().map((a) => new URLSearchParams({ createAttempt: a }))), mostlyToken(128), (body, query, nonce) => {
        const made = parse(JSON.stringify(body), query, typeof nonce === 'string' ? nonce : 'n-1');
        if (made.ok) assert.deepEqual(checkCallbackSignal(made.signal), made);
      }),
      RUNS,
    );
  });

  it('refuses, naming the field, what the receiver would never send', { timeout: 5_000 }, () => {
    const sent = (signal: unknown) => checkCallbackSignal(signal);
    const refusals: Array<[unknown, RegExp]> = [
      [null, /must be an object/],
      [[{ taskId: 't', nonce: 'n' }], /must be an object/],
      [{ nonce: 'n' }, /taskId must be a non-empty string/],
      [{ taskId: 'https://evil.example/x', nonce: 'n' }, /taskId may only contain/],
      [{ taskId: 't' }, /nonce must be a non-empty string/],
      [{ taskId: 't', nonce: 'n'.repeat(129) }, /nonce must be at most 128/],
      [{ taskId: 't', nonce: 'n', progress: '50' }, /progress must be a finite number/],
      [{ taskId: 't', nonce: 'n', createAttempt: 'a_b' }, /createAttempt may only contain letters, digits and "-"/],
      // The shape older receivers sent: the whole body. New runs refuse it (polling covers its task).
      [{ body: { id: 't', state: 'success' }, nonce: 'n' }, /taskId must be a non-empty string/],
    ];
    for (const [signal, detail] of refusals) {
      const result = sent(signal);
      assert.equal(result.ok, false, JSON.stringify(signal));
      if (!result.ok) assert.match(result.detail, detail);
    }
    fc.assert(fc.property(fc.anything(), (value) => void sent(value)), RUNS);
  });
});

describe('callbackSignalFrom, examples', () => {
  it('takes the task id from id, else task_id, and drops empty optional fields', () => {
    assert.deepEqual(parse('{"task_id":"t-1","state":"","err_code":"","progress":null}'), { ok: true, signal: { taskId: 't-1', nonce: 'nonce-1' } });
    assert.deepEqual(parse('{"id":"a","task_id":"b"}'), { ok: true, signal: { taskId: 'a', nonce: 'nonce-1' } });
  });

  it('names the field and the rule in every refusal', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"id": "t", "state": ', /not valid JSON/],
      ['[1,2]', /JSON object/],
      ['null', /JSON object/],
      ['{"state":"success"}', /id or task_id/],
      ['{"id":42}', /id must be a string/],
      [`{"id":"${'1'.repeat(65)}"}`, /id must be at most 64/],
      ['{"id":"https://cdn.example/v.mp4"}', /id may only contain/],
      ['{"id":"t","state":7}', /state must be a string/],
      ['{"id":"t","progress":"40"}', /progress must be a finite number/],
      ['{"id":"t","progress":1e999}', /progress must be a finite number/],
      ['{"id":"t","err_code":"see http://x"}', /err_code may only contain/],
      ['['.repeat(100_000), /not valid JSON/],
    ];
    for (const [body, detail] of cases) {
      const result = parse(body);
      assert.equal(result.ok, false, body.slice(0, 60));
      if (!result.ok) assert.match(result.detail, detail);
    }
    const badAttempt = parse('{"id":"t"}', new URLSearchParams('createAttempt=a_b'));
    assert.match(badAttempt.ok ? '' : badAttempt.detail, /createAttempt may only contain letters, digits and "-"/);
    const badNonce = parse('{"id":"t"}', NO_QUERY, '');
    assert.match(badNonce.ok ? '' : badNonce.detail, /nonce/);
  });

  it('a __proto__ key cannot smuggle fields in', () => {
    const result = parse('{"__proto__":{"id":"injected"}}');
    assert.equal(result.ok, false);
  });
});
