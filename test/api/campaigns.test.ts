// Campaigns over HTTP with fetch alone: a brief with a data-URI image starts
// once (201, then 200), its status sums its ads, a campaign edit and approve
// reach the ads in review, refusals name the field or the stage, and an
// unknown campaign is a 404. A refused brief stores none of its images.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { imagePathFor } from '../../src/artifacts/storeParts';
import { eventually, suiteApiRig } from './apiRig';
import { apiClient } from './httpClient';

const IMAGE = `data:image/png;base64,${readFileSync(path.join(__dirname, '../../samples/sneaker.png')).toString('base64')}`;

describe('campaigns over HTTP', { timeout: 120_000 }, () => {
  const { rig, http } = suiteApiRig();

  it('starts a campaign once, edits and approves its ads in review, and sums them in its status', async () => {
    const campaignId = `api-campaign-${process.pid}-${Date.now().toString(36)}`;
    const brief = {
      campaignId,
      images: [IMAGE],
      prompt: 'a sneaker on a track',
      variants: { aspectRatios: ['16:9', '1:1'], languages: ['en'], durations: [10] },
      ads: { review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' }, polling: { initialMs: 1_000, maxMs: 1_000 } },
    };
    const first = await http.call('POST', '/v1/campaigns', brief);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await http.call('POST', '/v1/campaigns', brief);
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);

    const inReview = await eventually('both ads in review', async () => {
      const { body } = await http.call('GET', `/v1/campaigns/${campaignId}`);
      return body.byStage?.review === 2 ? body : undefined;
    });
    assert.equal(inReview.total, 2);

    const badEdit = await http.call('POST', `/v1/campaigns/${campaignId}/edits`, { kind: 'video', prompt: 'closer' });
    assert.equal(badEdit.status, 422);
    assert.match(badEdit.body.error.message, /storyboardIndex: is required/);
    const edit = await http.call('POST', `/v1/campaigns/${campaignId}/edits`, { kind: 'bgm', prompt: 'calmer music', requestId: 'music-1', variantKeys: ['1x1-en-10s'] });
    assert.equal(edit.status, 202, JSON.stringify(edit.body));
    assert.deepEqual(edit.body.adIds, [`${campaignId}.1x1-en-10s`]);

    await eventually('the edit done', async () => {
      const { body } = await http.call('GET', `/v1/ads/${campaignId}.1x1-en-10s`);
      return body.stage === 'review' && body.edits?.[0]?.state === 'succeeded' ? body : undefined;
    });
    const approved = await http.call('POST', `/v1/campaigns/${campaignId}/approve`, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.adIds.length, 2);

    const done = await eventually('the campaign done', async () => {
      const { body } = await http.call('GET', `/v1/campaigns/${campaignId}`);
      return body.stage === 'done' ? body : undefined;
    });
    assert.deepEqual(done.byStage, { done: 2 });
    const ads = await Promise.all(done.variants.map((v: { adId: string }) => http.call('GET', `/v1/ads/${v.adId}`)));
    assert.equal(done.creditsSpent, ads.reduce((sum, a) => sum + a.body.creditsSpent, 0));
  });

  it('refuses a bad brief naming the field, and answers 404 for an unknown campaign', async () => {
    const bad = await http.call('POST', '/v1/campaigns', { campaignId: 'api-bad', images: [IMAGE], variants: { aspectRatios: ['4:3'], languages: ['en'], durations: [15] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'variants.aspectRatios');
    // A refused brief stores nothing: its image is checked, not kept (content-addressed, so its path is known).
    const mug = readFileSync(path.join(__dirname, '../../samples/coffee-mug.png'));
    const tooSmall = await http.call('POST', '/v1/campaigns', {
      campaignId: 'api-too-small',
      images: [`data:image/png;base64,${mug.toString('base64')}`],
      variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [15] },
      budgetCredits: 1,
    });
    assert.equal(tooSmall.status, 400, JSON.stringify(tooSmall.body));
    assert.equal(tooSmall.body.error.field, 'budgetCredits');
    assert.equal(existsSync(path.join(rig.artifactDir, imagePathFor(mug, 'image/png'))), false, 'the refused brief left its image in the store');
    const missing = await http.call('GET', '/v1/campaigns/no-such-campaign');
    assert.equal(missing.status, 404);
    const unauthorised = await apiClient(rig.url, 'wrong-token-0123456789abcdef').call('GET', '/v1/campaigns/x');
    assert.equal(unauthorised.status, 401);
  });
});
