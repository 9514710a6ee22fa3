import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViduValidationError, type ValidationIssue } from '../../src/vidu/errors';
import {
  RULES,
  VIDU_LIMITS,
  validateComposeRequest,
  validateCreateAdRequest,
  validateEditRequest,
  validateTaskId,
} from '../../src/vidu/requestValidation';
import { dataUri, tinyJpeg, tinyPng, tinyWebp, tinyWebpExtended } from './tinyImages';

const URL_IMAGE = 'https://cdn.example.com/product.png';

function issuesOf(run: () => unknown): ValidationIssue[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ViduValidationError, `expected ViduValidationError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail('expected the request to be rejected');
}

/** Asserts that `run` is rejected with exactly one issue, on `field`, whose rule matches. */
function rejects(run: () => unknown, field: string, rule: string | RegExp): void {
  const issues = issuesOf(run);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0]!.field, field);
  if (typeof rule === 'string') assert.equal(issues[0]!.rule, rule);
  else assert.match(issues[0]!.rule, rule);
}

const create = (extra: Record<string, unknown>) => () => validateCreateAdRequest({ images: [URL_IMAGE], ...extra } as never);

test('create: a minimal and a complete valid request pass unchanged', () => {
  assert.deepEqual(validateCreateAdRequest({ images: [URL_IMAGE] }), { images: [URL_IMAGE] });
  const full = {
    images: [
      URL_IMAGE,
      'http://images.example.net:4010/media/model.jpg',
      dataUri('image/png', tinyPng(400, 100)),
      dataUri('image/jpeg', tinyJpeg(100, 400, { exifBytes: 2000 })),
      dataUri('image/jpg', tinyJpeg(64, 64)),
      dataUri('image/webp', tinyWebp(300, 200)),
      dataUri('image/webp', tinyWebpExtended(90, 160)),
    ],
    prompt: 'A bright summer ad',
    duration: 60,
    aspect_ratio: '9:16' as const,
    language: 'en' as const,
    callback_url: 'https://hooks.example.com/vidu?wf=ad-1',
  };
  assert.deepEqual(validateCreateAdRequest(full), full);
  assert.equal(validateCreateAdRequest({ images: [URL_IMAGE], duration: 10 }).duration, 10);
});

test('create: fields Vidu does not define are not sent', () => {
  const valid = validateCreateAdRequest({ images: [URL_IMAGE], extra: 'x' } as never);
  assert.deepEqual(Object.keys(valid), ['images']);
});

test('create: payload is rejected with its own rule', () => {
  rejects(create({ payload: 'abc' }), 'payload', RULES.createPayload);
});

test('create: the request must be an object', () => {
  rejects(() => validateCreateAdRequest(null as never), '(request)', RULES.request);
  rejects(() => validateCreateAdRequest('images' as never), '(request)', RULES.request);
});

test('create: 1-7 images', () => {
  rejects(() => validateCreateAdRequest({} as never), 'images', RULES.images);
  rejects(() => validateCreateAdRequest({ images: URL_IMAGE } as never), 'images', RULES.images);
  rejects(() => validateCreateAdRequest({ images: [] }), 'images', RULES.images);
  rejects(() => validateCreateAdRequest({ images: new Array(8).fill(URL_IMAGE) }), 'images', RULES.images);
  assert.equal(validateCreateAdRequest({ images: new Array(7).fill(URL_IMAGE) }).images.length, 7);
});

test('create: each image is a public http(s) URL or a png/jpeg/jpg/webp base64 data URI', () => {
  for (const bad of [42, '', 'product.png', 'ftp://example.com/a.png', 'file:///tmp/a.png', ' https://example.com/a.png', 'data:image/gif;base64,R0lGODlh', 'data:image/png,abcd', 'data:text/plain;base64,aGVsbG8=']) {
    rejects(() => validateCreateAdRequest({ images: [URL_IMAGE, URL_IMAGE, bad] as never }), 'images[2]', RULES.image);
  }
});

test('create: an image URL on a host that is not global unicast (loopback, private, link-local, reserved...) is refused, naming the host', () => {
  const refused: Array<[string, string]> = [
    ['http://localhost/a.png', 'localhost'],
    ['https://LOCALHOST./a.png', 'localhost.'],
    ['http://cdn.localhost:8080/a.png', 'cdn.localhost'],
    ['http://127.0.0.1:4010/media/model.jpg', '127.0.0.1'],
    ['http://127.255.1.2/a.png', '127.255.1.2'],
    // Shorthand IPv4 forms, which the URL parser normalises before the check.
    ['http://127.1/a.png', '127.0.0.1'],
    ['http://2130706433/a.png', '127.0.0.1'],
    ['http://10.20.30.40/a.png', '10.20.30.40'],
    ['http://172.16.0.1/a.png', '172.16.0.1'],
    ['http://172.31.255.255/a.png', '172.31.255.255'],
    ['http://192.168.1.10/a.png', '192.168.1.10'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://0.0.0.0:8080/a.png', '0.0.0.0'],
    ['http://[::1]/a.png', '[::1]'],
    ['http://[0:0:0:0:0:0:0:1]/a.png', '[::1]'],
    ['http://[fe80::1]/a.png', '[fe80::1]'],
    ['http://[febf::abcd]/a.png', '[febf::abcd]'],
    ['http://[fc00::5]/a.png', '[fc00::5]'],
    ['http://[fd12:3456::1]/a.png', '[fd12:3456::1]'],
    // An IPv4-mapped IPv6 literal of a loopback address.
    ['http://[::ffff:127.0.0.1]/a.png', '[::ffff:7f00:1]'],
    // Every other range that is not global unicast (ipaddr.js's, the worker's outbound classifier):
    // carrier-grade NAT, documentation and benchmarking, multicast, broadcast, the metadata service
    // behind IPv4-mapped, NAT64, 6to4 and Teredo forms, IPv6 documentation and site-local.
    ['http://100.64.0.1/a.png', '100.64.0.1'],
    ['http://192.0.2.1/a.png', '192.0.2.1'],
    ['http://198.18.0.1/a.png', '198.18.0.1'],
    ['http://224.0.0.1/a.png', '224.0.0.1'],
    ['http://255.255.255.255/a.png', '255.255.255.255'],
    ['http://[::ffff:169.254.169.254]/a.png', '[::ffff:a9fe:a9fe]'],
    ['http://[64:ff9b::a9fe:a9fe]/a.png', '[64:ff9b::a9fe:a9fe]'],
    ['http://[2002:a9fe:a9fe::1]/a.png', '[2002:a9fe:a9fe::1]'],
    ['http://[2001::1]/a.png', '[2001::1]'],
    ['http://[2001:db8::1]/a.png', '[2001:db8::1]'],
    ['http://[fec0::1]/a.png', '[fec0::1]'],
  ];
  for (const [url, host] of refused) {
    rejects(() => validateCreateAdRequest({ images: [URL_IMAGE, url] }), 'images[1]', `must be a public http(s) URL (${host} is a private or loopback address)`);
  }
  assert.throws(
    () => validateCreateAdRequest({ images: ['http://192.168.0.2/a.png'] }),
    (err: Error) => err.message.includes('images[0]: must be a public http(s) URL (192.168.0.2 is a private or loopback address)'),
  );
  // Neighbours of the refused ranges, and names that merely contain "localhost", are public.
  const accepted = [
    'http://172.15.255.255/a.png',
    'http://172.32.0.1/a.png',
    'http://11.0.0.1/a.png',
    'http://192.169.0.1/a.png',
    'http://169.253.0.1/a.png',
    'http://100.63.255.255/a.png',
    'http://[2606:4700:4700::1111]/a.png',
    'http://[::ffff:8.8.8.8]/a.png',
    'https://localhost.example.com/a.png',
    'https://notlocalhost/a.png',
  ];
  assert.deepEqual(validateCreateAdRequest({ images: accepted.slice(0, 7) }).images, accepted.slice(0, 7));
  assert.deepEqual(validateCreateAdRequest({ images: accepted.slice(7) }).images, accepted.slice(7));
});

test('create: the validation message lists field and rule', () => {
  assert.throws(
    () => validateCreateAdRequest({ images: [URL_IMAGE, URL_IMAGE, 'ftp://x/y.png'], duration: 5 }),
    (err: Error) =>
      err.message.includes(`images[2]: ${RULES.image}`) &&
      err.message.includes(`duration: ${RULES.duration}`) &&
      err.message.includes('images[2]: must be a public http(s) URL or a data:image/(png|jpeg|jpg|webp);base64 URI'),
  );
});

test('create: data URIs must hold padded standard base64', () => {
  const bytes = tinyPng(10, 10);
  // One extra byte past a multiple of 3 makes the base64 end in "==".
  const png = Buffer.concat([bytes, Buffer.alloc(1 + (3 - (bytes.length % 3)) % 3)]).toString('base64');
  assert.ok(png.endsWith('=='));
  assert.equal(validateCreateAdRequest({ images: [`data:image/png;base64,${png}`] }).images.length, 1);
  rejects(create({ images: [`data:image/png;base64,${png.replace(/=+$/, '')}`] }), 'images[0]', RULES.base64);
  rejects(create({ images: [`data:image/png;base64,${png.slice(0, 8)}-_${png.slice(10)}`] }), 'images[0]', RULES.base64);
  rejects(create({ images: [`data:image/png;base64,${png.slice(0, 8)}\n${png.slice(8, -1)}`] }), 'images[0]', RULES.base64);
});

test('create: an undecodable or mislabelled image header is a clear error', () => {
  rejects(create({ images: [dataUri('image/png', Buffer.from('definitely not an image'))] }), 'images[0]', /^image header could not be read: /);
  rejects(create({ images: ['data:image/webp;base64,'] }), 'images[0]', /^image header could not be read: /);
  rejects(create({ images: [dataUri('image/png', tinyJpeg(20, 20))] }), 'images[0]', 'declared image/png but the data is a jpeg image');
});

test('create: image aspect ratio must be within 1:4 to 4:1 (png, jpeg and webp)', () => {
  rejects(create({ images: [dataUri('image/png', tinyPng(401, 100))] }), 'images[0]', `${RULES.imageRatio} (got 401x100)`);
  rejects(create({ images: [dataUri('image/jpeg', tinyJpeg(16, 65))] }), 'images[0]', `${RULES.imageRatio} (got 16x65)`);
  rejects(create({ images: [dataUri('image/webp', tinyWebp(1000, 200))] }), 'images[0]', `${RULES.imageRatio} (got 1000x200)`);
  rejects(create({ images: [dataUri('image/webp', tinyWebpExtended(10, 41))] }), 'images[0]', `${RULES.imageRatio} (got 10x41)`);
  // Exactly 4:1 and 1:4 are allowed.
  assert.equal(validateCreateAdRequest({ images: [dataUri('image/webp', tinyWebp(400, 100)), dataUri('image/jpeg', tinyJpeg(16, 64))] }).images.length, 2);
});

test('create: a decoded image may not exceed 50 MB', () => {
  // Only the length is needed to reject it, so the base64 is never decoded.
  const chars = Math.ceil((VIDU_LIMITS.maxImageBytes + 1) / 3) * 4;
  const issues = issuesOf(create({ images: [`data:image/png;base64,${'A'.repeat(chars)}`] }));
  assert.equal(issues[0]!.field, 'images[0]');
  assert.match(issues[0]!.rule, /^decoded image must be at most 50 MB \(got 50\.0 MB\)$/);
});

test('create: the JSON body may not exceed 20 MB', () => {
  // A valid header followed by enough trailing bytes to push the body over the limit.
  const big = Buffer.concat([tinyPng(100, 100), Buffer.alloc(16_000_000)]);
  rejects(create({ images: [dataUri('image/png', big)] }), '(body)', /^JSON request body must be at most 20 MB \(got 21\.3 MB\)$/);
  const fits = Buffer.concat([tinyPng(100, 100), Buffer.alloc(14_000_000)]);
  assert.equal(validateCreateAdRequest({ images: [dataUri('image/png', fits)] }).images.length, 1);
});

test('create: prompt is a string of at most 2000 characters (code points)', () => {
  rejects(create({ prompt: 'x'.repeat(2001) }), 'prompt', RULES.prompt);
  rejects(create({ prompt: 7 }), 'prompt', RULES.prompt);
  // 2000 emoji are 4000 UTF-16 units but 2000 characters.
  assert.equal(validateCreateAdRequest({ images: [URL_IMAGE], prompt: '🎬'.repeat(2000) }).prompt?.length, 4000);
});

test('create: duration is an integer from 10 to 60', () => {
  for (const bad of [9, 61, 15.5, '15', Number.NaN]) rejects(create({ duration: bad }), 'duration', RULES.duration);
});

test('create: aspect_ratio, language and callback_url', () => {
  rejects(create({ aspect_ratio: '4:3' }), 'aspect_ratio', RULES.aspectRatio);
  rejects(create({ language: 'fr' }), 'language', RULES.language);
  for (const bad of ['ftp://example.com/cb', 'not a url', 12]) rejects(create({ callback_url: bad }), 'callback_url', RULES.callbackUrl);
  assert.equal(validateCreateAdRequest({ images: [URL_IMAGE], language: 'zh', aspect_ratio: '1:1' }).language, 'zh');
});

const edit = (overrides: Record<string, unknown>) => () =>
  validateEditRequest({ ad_one_click_task_id: 'main-1', type: 'generate_video', storyboard_video_index: 0, prompt: 'closer shot', ...overrides } as never);

test('edit: valid requests for each type pass', () => {
  assert.deepEqual(edit({})(), { ad_one_click_task_id: 'main-1', type: 'generate_video', storyboard_video_index: 0, prompt: 'closer shot' });
  const narration = validateEditRequest({ ad_one_click_task_id: 'main-1', type: 'generate_narration', prompt: 'New words', payload: 'p'.repeat(VIDU_LIMITS.maxPayloadChars) });
  assert.equal(narration.payload?.length, VIDU_LIMITS.maxPayloadChars);
  assert.equal(validateEditRequest({ ad_one_click_task_id: 'main-1', type: 'generate_bgm', prompt: 'jazz', callback_url: 'http://127.0.0.1:9/cb' }).type, 'generate_bgm');
});

test('edit: ad_one_click_task_id is a non-empty string', () => {
  for (const bad of [undefined, '', '   ', 5]) rejects(edit({ ad_one_click_task_id: bad }), 'ad_one_click_task_id', RULES.taskId);
});

test('edit: type is one of the three edit types', () => {
  rejects(edit({ type: 'generate_image', storyboard_video_index: undefined }), 'type', RULES.editType);
});

test('edit: storyboard_video_index is required (non-negative integer) for generate_video only', () => {
  for (const bad of [undefined, -1, 1.5, '1', null]) {
    rejects(edit({ storyboard_video_index: bad }), 'storyboard_video_index', RULES.storyboardIndexRequired);
  }
  rejects(edit({ type: 'generate_narration', storyboard_video_index: 0 }), 'storyboard_video_index', RULES.storyboardIndexUnwanted);
  rejects(edit({ type: 'generate_bgm', storyboard_video_index: 2 }), 'storyboard_video_index', RULES.storyboardIndexUnwanted);
});

test('edit: prompt is required, non-empty, at most 2000 characters', () => {
  for (const bad of [undefined, '', '  ', 'y'.repeat(2001)]) rejects(edit({ prompt: bad }), 'prompt', RULES.editPrompt);
});

test('edit: payload at most 1,048,576 characters; callback_url http(s)', () => {
  rejects(edit({ payload: 'p'.repeat(VIDU_LIMITS.maxPayloadChars + 1) }), 'payload', RULES.payload);
  rejects(edit({ payload: { a: 1 } }), 'payload', RULES.payload);
  rejects(edit({ callback_url: 'mailto:ops@example.com' }), 'callback_url', RULES.callbackUrl);
});

const compose = (overrides: Record<string, unknown>, storyboardCount?: number) => () =>
  validateComposeRequest(
    { ad_one_click_task_id: 'main-1', video_task_ids: ['v0', 'v1', 'v2'], bgm_task_id: 'b1', narration_task_id: 'n1', ...overrides } as never,
    { storyboardCount },
  );

test('compose: a valid request passes, with or without the storyboard count', () => {
  assert.deepEqual(compose({})(), { ad_one_click_task_id: 'main-1', video_task_ids: ['v0', 'v1', 'v2'], bgm_task_id: 'b1', narration_task_id: 'n1' });
  assert.equal(compose({ payload: 'x', callback_url: 'https://example.com/cb' }, 3)().payload, 'x');
});

test('compose: video_task_ids is a non-empty array of non-empty ids', () => {
  for (const bad of [undefined, [], 'v0']) rejects(compose({ video_task_ids: bad }), 'video_task_ids', RULES.videoTaskIds);
  rejects(compose({ video_task_ids: ['v0', ''] }), 'video_task_ids[1]', RULES.taskId);
});

test('compose: exactly one video id per storyboard when the count is known', () => {
  rejects(compose({}, 4), 'video_task_ids', 'must hold exactly 4 ids, one per storyboard (got 3)');
  rejects(compose({}, 2), 'video_task_ids', 'must hold exactly 2 ids, one per storyboard (got 3)');
});

test('compose: main, bgm and narration task ids are required', () => {
  rejects(compose({ ad_one_click_task_id: '' }), 'ad_one_click_task_id', RULES.taskId);
  rejects(compose({ bgm_task_id: undefined }), 'bgm_task_id', RULES.taskId);
  rejects(compose({ narration_task_id: ' ' }), 'narration_task_id', RULES.taskId);
});

test('compose: payload limit and callback_url', () => {
  rejects(compose({ payload: 'p'.repeat(VIDU_LIMITS.maxPayloadChars + 1) }), 'payload', RULES.payload);
  rejects(compose({ callback_url: 'http//missing-colon' }), 'callback_url', RULES.callbackUrl);
});

test('task ids used in paths must be non-empty strings', () => {
  assert.equal(validateTaskId('891100896237203456'), '891100896237203456');
  for (const bad of ['', ' ', undefined, 12]) rejects(() => validateTaskId(bad), 'taskId', RULES.taskId);
});
