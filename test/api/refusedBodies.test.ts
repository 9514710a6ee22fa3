// What the API refuses by the shared input rules, black box over HTTP: a
// campaign's ads options that are not a caller's or not an ad option, a
// polling floor, closed brief objects, image URLs and edit lists past their
// bounds. Each refusal is a 400 naming the field; nothing is started, and the
// same id is taken once the body is corrected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suiteApiRig } from './apiRig';

const IMAGE = 'https://example.com/products/bottle.png';
const VARIANTS = { aspectRatios: ['16:9'], languages: ['en'], durations: [15] };
const LONG_IMAGE = `https://example.com/${'x'.repeat(2_100)}.png`;

describe('bodies the API refuses by the shared input rules', { timeout: 120_000 }, () => {
  const { http } = suiteApiRig();

  const unique = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}`;

  it('refuses campaign ads options that are not a caller’s or not an ad option, starting nothing, and takes the id once corrected', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ads: { continued: { run: 2, state: {} } } }, 'ads.continued', /continues as new/],
      [{ ads: { resumeFromTaskId: '384000874801790976' } }, 'ads.resumeFromTaskId', /retryAd/],
      [{ ads: { campaign: { workflowId: 'campaign-other' } } }, 'ads.campaign', /set by the campaign itself/],
      [{ ads: { continueAsNewAfterEvents: 1 } }, 'ads.continueAsNewAfterEvents', /not an ad option a campaign may set/],
      [{ ads: { polling: { initialMs: 1, maxMs: 1 } } }, 'ads.polling.initialMs', /from 1000 \(1 s\)/],
      [{ ads: { review: { enabled: true, windowMs: 60_000, onTimeout: 'fail', extra: 1 } } }, 'ads.review', /does not take: "extra"/],
      [{ colour: 'red' }, 'colour', /not a field of a campaign brief/],
      [{ prompt: 'p'.repeat(2_001) }, 'prompt', /at most 2000 characters/],
      [{ images: [LONG_IMAGE] }, 'images[0]', /at most 2048 characters/],
    ];
    for (const [extra, field, rule] of cases) {
      const campaignId = unique('refused');
      const response = await http.call('POST', '/v1/campaigns', { campaignId, images: [IMAGE], variants: VARIANTS, ...extra });
      const where = JSON.stringify(extra).slice(0, 80);
      assert.equal(response.status, 400, `${where}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field, `${where}: ${response.body.error.message}`);
      assert.match(response.body.error.message, rule, where);
      assert.equal((await http.call('GET', `/v1/campaigns/${campaignId}`)).status, 404, `${where}: nothing was started`);
    }
    const campaignId = unique('corrected');
    assert.equal((await http.call('POST', '/v1/campaigns', { campaignId, images: [IMAGE], variants: VARIANTS, ads: { continued: {} } })).status, 400);
    const corrected = await http.call('POST', '/v1/campaigns', { campaignId, images: [IMAGE], variants: VARIANTS, ads: { maxEdits: 0 } });
    assert.equal(corrected.status, 201, JSON.stringify(corrected.body));
    await http.call('POST', `/v1/campaigns/${campaignId}/cancel`, {});
  });

  it('refuses an ad whose image URL is longer than a notifyUrl or whose edits pass maxEdits', async () => {
    const edit = { kind: 'bgm', prompt: 'calmer' };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ images: [LONG_IMAGE] }, 'images[0]', /at most 2048 characters/],
      [{ images: [IMAGE], maxEdits: 1, edits: [edit, edit] }, 'edits', /at most 1 edits, the ad's maxEdits/],
      [{ images: [IMAGE], maxEdits: 100, edits: Array(3_000).fill(edit) }, 'edits', /at most 100 edits/],
      [{ images: [IMAGE], edits: [{ ...edit, storyboard: 1 }] }, 'edits[0].storyboard', /not a known field|does not take/],
    ];
    for (const [extra, field, rule] of cases) {
      const adId = unique('refused-ad');
      const response = await http.call('POST', '/v1/ads', { adId, ...extra });
      const where = JSON.stringify(extra).slice(0, 80);
      assert.equal(response.status, 400, `${where}: ${JSON.stringify(response.body).slice(0, 300)}`);
      assert.ok(response.body.error.field === field || response.body.error.field === field.replace(/\.\w+$/, ''), `${where}: ${response.body.error.field}: ${response.body.error.message}`);
      assert.match(response.body.error.message, rule, where);
      assert.equal((await http.call('GET', `/v1/ads/${adId}`)).status, 404, `${where}: nothing was started`);
    }
  });
});
