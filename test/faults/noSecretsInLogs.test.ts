// "A test searches every log line and every recorded history of the suite
// for the API key and for signed media URLs: zero." Every fault test file
// ends by scanning its own processes' logs and its ads' histories (see
// FaultRig.expectNoSecrets); this file proves the scan finds what it looks
// for, scans the histories recorded in test/histories/, and runs one ad
// through the paths most likely to leak (expired downloads, 500s, lying
// callbacks, an edit and a compose) with every log line and history searched.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { ONE_EDIT, ONE_EDIT_CHARGES } from './adPlans';
import { FaultRig } from './rig';
import { describeHits, findSecrets, historyAsText } from './secretScan';
import { SUITE } from './suiteSize';

const KEY = 'vidu-key-0123456789abcdef';
const SIGNED = 'http://127.0.0.1:8089/media/386000874801790977.mp4?expires=1796182434846&sig=13MdVKgp8L1qwwkoHH-a0Cd91-BBGgGhba';
/** The key test/support/recordHistories.ts records with (the in-process simulator's default). */
const RECORDING_KEY = 'sim-key';

describe('the secret scan', () => {
  it('finds the API key and signed media URLs, however they are escaped', () => {
    const log = [
      'ad started',
      `Authorization: Token ${KEY}`,
      `downloading ${SIGNED}`,
      JSON.stringify({ body: { creations: [{ url: SIGNED }] } }).replace(/&/g, '\\u0026'),
      `url=${encodeURIComponent(SIGNED)}`,
      'https://vidu.example/file.mp4?X-Amz-Signature=abc',
    ].join('\n');
    const hits = findSecrets(log, 'log', KEY);
    assert.deepEqual(
      hits.map((h) => [h.line, h.kind]),
      [
        [2, 'api key'],
        [3, 'signed media URL'],
        [4, 'signed media URL'],
        [5, 'signed media URL'],
        [6, 'signed media URL'],
      ],
    );
    assert.ok(hits.every((h) => !h.excerpt.includes(KEY)), 'the report does not repeat the key');
  });

  it('raises no alarm on media paths without a signature, other keys or plain text', () => {
    const log = ['saved ad-1/composed-1.mp4 (1234 bytes)', 'GET /media/386000874801790977.mp4 -> 403', 'Token sim-key-other', 'expires in 3600 s'].join('\n');
    assert.deepEqual(findSecrets(log, 'log', KEY), []);
  });

  it('reads payloads inside histories, as bytes or as base64', () => {
    const payload = Buffer.from(JSON.stringify({ url: SIGNED }));
    const fetched = { events: [{ signal: { input: { payloads: [{ data: new Uint8Array(payload) }] } } }] };
    const fromFile = { events: [{ signal: { input: { payloads: [{ data: payload.toString('base64') }] } } }] };
    assert.equal(findSecrets(historyAsText(fetched), 'fetched', KEY).length, 1);
    assert.equal(findSecrets(historyAsText(fromFile), 'file', KEY).length, 1);
  });

  it('finds nothing in the histories recorded in test/histories/', () => {
    const dir = path.join(PROJECT_ROOT, 'test', 'histories');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0, 'there are recorded histories');
    const hits = files.flatMap((file) => findSecrets(historyAsText(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))), file, RECORDING_KEY));
    assert.equal(hits.length, 0, `secrets in recorded histories:\n${describeHits(hits)}`);
  });
});

describe(`fault suite (${SUITE.name}): no secrets in logs or histories`, { timeout: 10 * 60_000 }, () => {
  let rig: FaultRig;
  before(async () => {
    rig = await FaultRig.open({ name: 'no-secrets' });
  });
  after(() => rig?.close());

  it('writes neither the API key nor a signed media URL anywhere, even on the paths that handle them', { timeout: SUITE.caseTimeoutMs }, async () => {
    rig.beginCase();
    await rig.setFaults({
      http: [
        // A server that echoes the credentials it was given: the client must not pass them on.
        { endpoint: 'creations', error: { status: 500, code: 'InternalServiceFailure', message: `bad token ${rig.apiKey}` }, times: 2 },
        { endpoint: 'edit', applyThenDrop: 'reset', times: 1 },
      ],
      callbacks: { lies: ['success'], duplicate: 0.5 },
      media: { expireNext: 2 },
    });
    const ad = await rig.startAd('secrets', { input: { edits: ONE_EDIT } });
    await rig.expectExactlyOnce(ad, ONE_EDIT_CHARGES);
    const counters = await rig.sim.counters();
    assert.ok(counters.media.expired >= 2 && counters.callbacks.lied >= 1, 'the leak-prone paths were taken');
    const { hits, linesScanned, historiesScanned } = await rig.secretHits();
    assert.ok(linesScanned > 10 && historiesScanned === 1, `scanned ${linesScanned} log lines and ${historiesScanned} history`);
    assert.equal(hits.length, 0, `secrets written down:\n${describeHits(hits)}`);
  });
});
