// One set of input rules at every door (pure functions, no server): a
// campaign's `ads` is a closed object of the ad options a caller may set,
// each checked by the ad's own rule; texts and lists have bounds; and the
// starter, the API's schemas, the ad's validators and the campaign desk agree
// on an edit prompt's length and a request id's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EditBodySchema } from '../../src/api/schemas';
import { adRequestIssues } from '../../src/starter/adRequest';
import { loadImages } from '../../src/starter/images';
import { CampaignDesk } from '../../src/workflows/campaign/desk';
import type { CampaignInput } from '../../src/workflows/campaign/contract';
import { campaignInputProblems } from '../../src/workflows/campaign/variants';
import { editRequestProblem, selectTakeProblem } from '../../src/workflows/ad/editRules';
import { adInputProblems, IMAGE_URL_MAX_CHARS, MAX_MAX_EDITS } from '../../src/workflows/shared/inputRules';

const AD = { adId: 'rules-1', images: ['https://example.com/a.png'] };
const BRIEF = {
  campaignId: 'rules',
  images: ['https://example.com/a.png'],
  variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [15] },
} as unknown as CampaignInput;

function briefWith(extra: Record<string, unknown>): unknown {
  return { ...BRIEF, ...extra };
}

/** A URL of exactly `length` characters. */
function urlOf(length: number): string {
  const head = 'https://example.com/';
  return head + 'x'.repeat(length - head.length);
}

const fieldsOf = (problems: string[]) => problems.map((p) => p.slice(0, p.indexOf(': ')));

describe("a campaign's ads options", () => {
  it('refuses continued, resumeFromTaskId, campaign and startedBy, saying whose they are', () => {
    const problems = campaignInputProblems(
      briefWith({ ads: { continued: { run: 9, state: {} }, resumeFromTaskId: '384000874801790976', campaign: { workflowId: 'campaign-x' }, startedBy: 'mallory' } }),
    );
    assert.deepEqual(fieldsOf(problems), ['ads.continued', 'ads.resumeFromTaskId', 'ads.campaign', 'ads.startedBy']);
    assert.match(problems[0]!, /set only by an ad when it continues as new/);
    assert.match(problems[1]!, /set only by retryAd/);
  });

  it('refuses an option that is not one a campaign may set, naming the ones it may', () => {
    for (const key of ['continueAsNewAfterEvents', 'heartbeatTimeoutMs', 'edits', 'adId', 'images', 'toString', '']) {
      const problems = campaignInputProblems(briefWith({ ads: { [key]: 1 } }));
      assert.equal(problems.length, 1, `${JSON.stringify(key)}: ${JSON.stringify(problems)}`);
      assert.match(problems[0]!, /^ads\.\S+: is not an ad option a campaign may set \(review, maxEdits, maxCredits, polling, /);
    }
  });

  it("checks each option by the ad's own rule, in the ad's words, under ads.", () => {
    const bad = {
      polling: { initialMs: 1, maxMs: 1 },
      review: { enabled: true, windowMs: 10, onTimeout: 'never' },
      maxEdits: 1_000,
      taskDeadlineMs: 1,
      queueDeadlineMs: 0.5,
      outageBudgetMs: -1,
      notifyUrl: 'ftp://example.com/hook',
    };
    const asCampaign = campaignInputProblems(briefWith({ ads: bad }));
    const asAd = adRequestIssues({ ...AD, ...bad }).map((i) => `ads.${i.field}: ${i.rule}`);
    assert.deepEqual([...asCampaign].sort(), [...asAd].sort());
    assert.ok(asCampaign.includes('ads.polling.initialMs: must be a whole number of milliseconds from 1000 (1 s) to 3600000 (1 h) (got 1)'), JSON.stringify(asCampaign));
  });

  it('accepts every option a campaign may set, inside its bounds', () => {
    const ads = {
      review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' },
      maxEdits: 3,
      maxCredits: 900,
      polling: { initialMs: 1_000, maxMs: 5_000 },
      taskDeadlineMs: 60_000,
      queueDeadlineMs: 60_000,
      outageBudgetMs: 60_000,
      notifyUrl: 'https://hooks.example.com/ads',
    };
    assert.deepEqual(campaignInputProblems(briefWith({ ads })), []);
  });
});

describe("a campaign brief's own fields", () => {
  it('refuses a field a brief does not have, in the brief, a product or the matrix', () => {
    const problems = campaignInputProblems({
      campaignId: 'rules',
      products: [{ productId: 'mug', images: ['https://example.com/m.png'], colour: 'red' }],
      variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [15], fps: 60 },
      budget: 5,
    });
    assert.deepEqual(fieldsOf(problems), ['budget', 'products[0].colour', 'variants.fps']);
  });

  it('refuses a prompt longer than an ad may have', () => {
    assert.deepEqual(campaignInputProblems(briefWith({ prompt: 'p'.repeat(2_001) })), ['prompt: must be a text of at most 2000 characters']);
    assert.deepEqual(campaignInputProblems(briefWith({ prompt: 'p'.repeat(2_000) })), []);
  });

  it('refuses an image URL longer than a notifyUrl, naming the image', () => {
    const problems = campaignInputProblems(briefWith({ images: ['https://example.com/a.png', urlOf(IMAGE_URL_MAX_CHARS + 1)] }));
    assert.deepEqual(fieldsOf(problems), ['images[1]']);
  });
});

describe('bounds at the ad doors', () => {
  it('refuses an image URL longer than a notifyUrl at the workflow and at the starter, and takes one at the bound', async () => {
    assert.deepEqual(adInputProblems({ ...AD, images: [urlOf(IMAGE_URL_MAX_CHARS)] }), []);
    const tooLong = urlOf(IMAGE_URL_MAX_CHARS + 1);
    assert.deepEqual(fieldsOf(adInputProblems({ ...AD, images: [tooLong] })), ['images[0]']);
    assert.deepEqual(fieldsOf(adInputProblems({ ...AD, images: [`stored:${'k'.repeat(600)}`] })), ['images[0]']);
    const store = { readImageAsDataUri: async () => assert.fail('nothing is read'), putImage: async () => assert.fail('nothing is stored') };
    const loaded = await loadImages([tooLong], { store: store as never, allowLocalFiles: false });
    assert.deepEqual(loaded.issues.map((i) => i.field), ['images[0]']);
    assert.match(loaded.issues[0]!.rule, /at most 2048 characters/);
  });

  it('refuses more input edits than maxEdits, and a list past 100 with one issue', () => {
    const edit = { kind: 'bgm', prompt: 'calmer' };
    assert.deepEqual(adRequestIssues({ ...AD, maxEdits: 2, edits: [edit, edit, edit] }), [{ field: 'edits', rule: "must hold at most 2 edits, the ad's maxEdits (got 3)" }]);
    assert.deepEqual(adRequestIssues({ ...AD, edits: Array(11).fill(edit) }).map((i) => i.field), ['edits'], 'the default maxEdits is 10');
    const thousands = adRequestIssues({ ...AD, maxEdits: MAX_MAX_EDITS, edits: Array(5_000).fill({ kind: 'nope' }) });
    assert.deepEqual(thousands, [{ field: 'edits', rule: 'must hold at most 100 edits (got 5000)' }]);
    // The workflow's own check says the same.
    assert.deepEqual(adInputProblems({ ...AD, maxEdits: 2, edits: [edit, edit, edit] }), ["edits: must hold at most 2 edits, the ad's maxEdits (got 3)"]);
  });

  it('refuses a field an input edit, review or polling does not take', () => {
    const issues = adRequestIssues({
      ...AD,
      edits: [{ kind: 'bgm', prompt: 'x', storyboard: 1 }],
      review: { enabled: false, windowMs: 60_000, onTimeout: 'fail', extra: true },
      polling: { initialMs: 1_000, maxMs: 1_000, everyMs: 1 },
    });
    assert.deepEqual(issues.map((i) => i.field), ['edits[0]', 'review', 'polling']);
    assert.match(issues[0]!.rule, /does not take: "storyboard"/);
  });

  it('still lets a run started under the older rules replay them (no bound on image URLs there)', () => {
    assert.deepEqual(adInputProblems({ ...AD, images: [urlOf(IMAGE_URL_MAX_CHARS + 1)] }, 'before-shared'), []);
    assert.deepEqual(campaignInputProblems(briefWith({ ads: { continueAsNewAfterEvents: 1 } }), 'before-shared'), []);
  });
});

describe('every door counts the same', () => {
  // 1,999 letters and one emoji: 2,000 characters as Vidu counts them, 2,001 UTF-16 units.
  const overByOneUnit = `${'a'.repeat(1_999)}🎵`;
  const atTheBound = 'a'.repeat(2_000);
  const desk = () =>
    new CampaignDesk({
      campaignId: 'rules',
      requests: [],
      variants: [{ key: '16x9-en-15s', adId: 'rules.16x9-en-15s', aspectRatio: '16:9', language: 'en', duration: 15, priority: 0, state: 'started', stage: 'review', progress: 100, creditsSpent: 0 }],
    });
  const context = { storyboardCount: 3, editsUsed: 0, maxEdits: 10 };

  it('an edit prompt: refused or taken alike by the starter, the API, the ad and the campaign desk', () => {
    for (const [prompt, ok] of [
      [overByOneUnit, false],
      [atTheBound, true],
    ] as const) {
      const starter = adRequestIssues({ ...AD, edits: [{ kind: 'bgm', prompt }] }).length === 0;
      const api = EditBodySchema.safeParse({ kind: 'bgm', prompt }).success;
      const ad = editRequestProblem({ kind: 'bgm', prompt }, context) === undefined;
      let campaign = true;
      try {
        desk().validate('edit', { kind: 'bgm', prompt } as never);
      } catch {
        campaign = false;
      }
      assert.deepEqual({ starter, api, ad, campaign }, { starter: ok, api: ok, ad: ok, campaign: ok }, `prompt of ${prompt.length} units`);
    }
  });

  it('a request id: 128 characters taken by the ad and the campaign desk alike, 129 refused by both', () => {
    const longest = 'r'.repeat(128);
    assert.doesNotThrow(() => desk().validate('approve', { requestId: longest }));
    assert.deepEqual(adRequestIssues({ ...AD, edits: [{ kind: 'bgm', prompt: 'x', requestId: longest }] }), []);
    assert.throws(() => desk().validate('approve', { requestId: `${longest}r` }), /requestId: must be 1-128 letters/);
    assert.deepEqual(adRequestIssues({ ...AD, edits: [{ kind: 'bgm', prompt: 'x', requestId: `${longest}r` }] }).map((i) => i.field), ['edits[0].requestId']);
  });

  it("a cancel's reason and a take id: the campaign desk and the ad's select take the API's bounds", () => {
    assert.throws(() => desk().validate('cancel', { reason: 'r'.repeat(501) } as never), /reason: must be a text of at most 500 characters/);
    assert.doesNotThrow(() => desk().validate('cancel', { reason: 'r'.repeat(500) } as never));
    assert.equal(selectTakeProblem({ kind: 'bgm', takeId: 't'.repeat(201) }, 3), 'takeId: must be at most 200 characters');
    assert.equal(selectTakeProblem({ kind: 'bgm', takeId: 't'.repeat(200) }, 3), undefined);
  });
});
