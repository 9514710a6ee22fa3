// The pure parts behind media serving: which bytes a Range header asks for,
// how captions wrap, the render cache's sharing and bound, and the renderer
// with no ffmpeg to run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerRange } from '../../src/http/byteRange';
import { wrapCaption } from '../../src/simulator/render/caption';
import { placeholderBytes } from '../../src/simulator/mediaBytes';
import { MediaRenderer } from '../../src/simulator/render/mediaRenderer';
import { RenderCache } from '../../src/simulator/render/renderCache';

test('answerRange: one range served, suffix ranges, open ends clipped, nonsense ignored, past the end unsatisfiable', () => {
  assert.deepEqual(answerRange(undefined, 100), { kind: 'full' });
  assert.deepEqual(answerRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(answerRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(answerRange('bytes=90-500', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(answerRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(answerRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(answerRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(answerRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(answerRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  for (const ignored of ['bytes=5-1', 'bytes=0-1,5-9', 'items=0-1', 'bytes=-', 'bytes=a-b']) {
    assert.deepEqual(answerRange(ignored, 100), { kind: 'full' }, ignored);
  }
});

test('wrapCaption breaks at spaces, splits words longer than a line and ends a cut caption with an ellipsis', () => {
  assert.deepEqual(wrapCaption('Opening close-up of the product', 16, 3), ['Opening close-up', 'of the product']);
  assert.deepEqual(wrapCaption('  ', 16, 3), []);
  assert.deepEqual(wrapCaption('遇见你期待已久的好物', 4, 3), ['遇见你期', '待已久的', '好物']);
  const cut = wrapCaption('one two three four five six seven eight', 9, 2);
  assert.equal(cut.length, 2);
  assert.ok(cut.every((line) => [...line].length <= 9));
  assert.ok(cut[1]!.endsWith('…'));
});

test('RenderCache renders a key once for concurrent askers and drops the least recently used past its bound', async () => {
  const cache = new RenderCache(25);
  let renders = 0;
  const make = (size: number) => () => {
    renders += 1;
    return new Promise<Buffer>((resolve) => setTimeout(() => resolve(Buffer.alloc(size)), 5));
  };
  const [a1, a2] = await Promise.all([cache.get('a', make(10)), cache.get('a', make(10))]);
  assert.equal(a1, a2);
  assert.equal(renders, 1);
  await cache.get('b', make(10));
  await cache.get('a', make(10)); // a is now the most recently used
  await cache.get('c', make(10)); // 30 bytes: b goes
  assert.equal(renders, 3);
  assert.equal(cache.size, 20);
  await cache.get('a', make(10));
  assert.equal(renders, 3, 'a stayed');
  await cache.get('b', make(10));
  assert.equal(renders, 4, 'b was rendered again');
});

test('RenderCache forgets a failed render so the next ask tries again', async () => {
  const cache = new RenderCache(100);
  await assert.rejects(cache.get('x', () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal((await cache.get('x', () => Promise.resolve(Buffer.from('ok')))).toString(), 'ok');
});

test('without an ffmpeg the renderer serves placeholders and says so in one line per process', async (t) => {
  const warn = t.mock.method(console, 'warn', () => undefined);
  const noEncoder = () => Promise.resolve(undefined);
  const describe = () => undefined;
  for (const renderer of [new MediaRenderer('rendered', () => undefined, noEncoder), new MediaRenderer('rendered', () => undefined, noEncoder)]) {
    assert.ok((await renderer.content('123', 'video', describe)).equals(placeholderBytes('123', 'video')));
    assert.ok((await renderer.content('123', 'audio', describe)).equals(placeholderBytes('123', 'audio')));
    await renderer.close();
  }
  assert.equal(warn.mock.callCount(), 1);
  assert.match(String(warn.mock.calls[0]!.arguments[0]), /no working ffmpeg.*placeholder/);
});
