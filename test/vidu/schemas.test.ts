import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adSubRecordsSchema,
  composeResponseSchema,
  createAdResponseSchema,
  creditsResponseSchema,
  editResponseSchema,
  parseResponseBody,
  taskCreationsSchema,
} from '../../src/vidu/schemas';

const record = (id: string, type = 'generate_video') => ({ id, type, prompt: 'p', creation_url: `https://media.example.com/${id}.mp4`, state: 'success', err_code: '' });

// The reference example with its trailing commas removed.
const documentedSubRecords = {
  id: '891100896237203456',
  err_code: '',
  state: 'success',
  data_records: {
    storyboards: [
      { stroyboard_id: 0, records: [record('891101095923822592'), record('891101095923822593')] },
      { stroyboard_id: 1, records: [record('891101095923822594')] },
      { stroyboard_id: 2, records: [record('891101095923822595')] },
    ],
    narration_records: [record('891101095923822596', 'generate_narration')],
    bgm_records: [record('891101095923822597', 'generate_bgm')],
    completed_creation_records: [
      {
        id: '891100914109132807',
        state: 'success',
        params: {
          video_task_ids: ['891101095923822592', '891101095923822593', '891101095923822594', '891101095923822595'],
          bgm_task_id: '891101095923822597',
          narration_task_id: '891101095923822596',
        },
        creation_url: 'string',
        err_code: '',
      },
    ],
  },
};

function ok<T>(result: ReturnType<typeof parseResponseBody<T>>): T {
  assert.ok(result.ok, JSON.stringify(!result.ok && result.issues));
  return result.value;
}

test('sub-records: the misspelt stroyboard_id is normalised to storyboard_id', () => {
  const parsed = ok(parseResponseBody(adSubRecordsSchema, documentedSubRecords));
  assert.deepEqual(
    parsed.data_records.storyboards.map((s) => s.storyboard_id),
    [0, 1, 2],
  );
  assert.ok(parsed.data_records.storyboards.every((s) => !('stroyboard_id' in s)));
  assert.equal(parsed.data_records.storyboards[0]!.records[1]!.id, '891101095923822593');
  assert.equal(parsed.data_records.completed_creation_records[0]!.params.narration_task_id, '891101095923822596');
});

test('sub-records: the correct spelling, and numeric strings, are accepted too', () => {
  const body = { id: 'm', state: 'success', data_records: { storyboards: [{ storyboard_id: 3, records: [] }, { stroyboard_id: '4', records: [] }] } };
  const parsed = ok(parseResponseBody(adSubRecordsSchema, body));
  assert.deepEqual(
    parsed.data_records.storyboards.map((s) => s.storyboard_id),
    [3, 4],
  );
});

test('sub-records: a storyboard without a number is rejected, naming the field', () => {
  const body = { id: 'm', state: 'success', data_records: { storyboards: [{ stroyboard_id: 0, records: [] }, { records: [] }] } };
  const result = parseResponseBody(adSubRecordsSchema, body);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.issues[0]!.field, 'data_records.storyboards[1].stroyboard_id');
  const negative = parseResponseBody(adSubRecordsSchema, { state: 'x', data_records: { storyboards: [{ stroyboard_id: -1 }] } });
  assert.equal(negative.ok, false);
});

test('sub-records: missing arrays, missing data_records and missing compose params get empty defaults', () => {
  const parsed = ok(parseResponseBody(adSubRecordsSchema, { id: 'm', state: 'processing' }));
  assert.deepEqual(parsed.data_records, { storyboards: [], narration_records: [], bgm_records: [], completed_creation_records: [] });
  assert.equal(parsed.err_code, '');
  const nulls = ok(
    parseResponseBody(adSubRecordsSchema, {
      state: 'processing',
      data_records: { storyboards: null, narration_records: null, completed_creation_records: [{ id: 'c1', state: 'queueing' }, { id: 'c2', state: 'queueing', params: { bgm_task_id: 'b' } }] },
    }),
  );
  assert.deepEqual(nulls.data_records.storyboards, []);
  assert.deepEqual(nulls.data_records.completed_creation_records[0]!.params, { video_task_ids: [], bgm_task_id: '', narration_task_id: '' });
  assert.deepEqual(nulls.data_records.completed_creation_records[1]!.params, { video_task_ids: [], bgm_task_id: 'b', narration_task_id: '' });
  assert.equal(nulls.data_records.completed_creation_records[0]!.creation_url, '');
});

test('sub-records: a record id must be a string (a numeric id may have lost digits)', () => {
  const body = { state: 'success', data_records: { narration_records: [{ ...record('x'), id: JSON.parse('891101095923822596') as number }] } };
  const result = parseResponseBody(adSubRecordsSchema, body);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.issues[0]!.field, 'data_records.narration_records[0].id');
});

test('creations: unknown fields are kept and unknown states accepted', () => {
  const body = {
    id: 'task-1',
    state: 'scheduling',
    err_code: '',
    credits: 400,
    payload: '',
    progress: 90,
    bgm: true,
    off_peak: false,
    creations: [{ id: 'c1', url: 'https://m/1.mp4', cover_url: 'https://m/1.jpg', watermarked_url: 'https://m/1w.mp4', extra: 1 }],
  };
  const parsed = ok(parseResponseBody(taskCreationsSchema, body));
  assert.equal(parsed.state, 'scheduling');
  assert.equal(parsed.bgm, true);
  assert.equal(parsed.off_peak, false);
  assert.equal(parsed.creations[0]!.extra, 1);
  assert.equal(parsed.creations[0]!.watermarked_url, 'https://m/1w.mp4');
});

test('creations: optional fields default; state is required; credits may be a numeric string', () => {
  const parsed = ok(parseResponseBody(taskCreationsSchema, { state: 'queueing', credits: '40', creations: null }));
  assert.deepEqual(
    { id: parsed.id, err_code: parsed.err_code, payload: parsed.payload, progress: parsed.progress, credits: parsed.credits, creations: parsed.creations },
    { id: '', err_code: '', payload: '', progress: 0, credits: 40, creations: [] },
  );
  const noState = parseResponseBody(taskCreationsSchema, { id: 'x' });
  assert.equal(noState.ok, false);
  if (!noState.ok) assert.equal(noState.issues[0]!.field, 'state');
  const badUrl = parseResponseBody(taskCreationsSchema, { state: 'success', creations: [{ id: 'c' }] });
  assert.equal(badUrl.ok, false);
  if (!badUrl.ok) assert.equal(badUrl.issues[0]!.field, 'creations[0].url');
});

test('create, edit and compose responses require their task id and default the rest', () => {
  const created = ok(parseResponseBody(createAdResponseSchema, { task_id: 't1', state: 'created', credits: 600, surprise: 'kept' }));
  assert.deepEqual([created.task_id, created.state, created.credits, created.images, created.prompt, created.surprise], ['t1', 'created', 600, [], '', 'kept']);
  const edited = ok(parseResponseBody(editResponseSchema, { sub_task_id: 's1' }));
  assert.deepEqual([edited.sub_task_id, edited.state, edited.credits, edited.ad_one_click_task_id], ['s1', '', 0, '']);
  const composed = ok(parseResponseBody(composeResponseSchema, { ad_one_click_task_id: 'm', compose_sub_task_id: 'c1', state: 'success', credits: 1 }));
  assert.equal(composed.compose_sub_task_id, 'c1');
  for (const [schema, field] of [
    [createAdResponseSchema, 'task_id'],
    [editResponseSchema, 'sub_task_id'],
    [composeResponseSchema, 'compose_sub_task_id'],
  ] as const) {
    const result = parseResponseBody(schema as typeof createAdResponseSchema, { state: 'created', [field]: '' });
    assert.equal(result.ok, false, field);
    if (!result.ok) assert.equal(result.issues[0]!.field, field);
  }
});

test('credits: lenient shape, and a body that is not an object is named (body)', () => {
  const parsed = ok(parseResponseBody(creditsResponseSchema, { remains: [{ type: 'ad', credit_remain: 1200 }], concurrency_limit: 5 }));
  assert.deepEqual([parsed.remains[0]!.credit_remain, parsed.concurrency_limit, parsed.current_concurrency, parsed.queue_count], [1200, 5, 0, 0]);
  const notObject = parseResponseBody(creditsResponseSchema, [1]);
  assert.equal(notObject.ok, false);
  if (!notObject.ok) assert.equal(notObject.issues[0]!.field, '(body)');
});
