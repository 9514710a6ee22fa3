// The texts the Web UI shows, without a server: summaries stay short and
// carry no secrets or media URLs, and the current details put the stage, the
// next action and the Vidu task with the credits on their first three lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newAdState, type AdState } from '../../src/workflows/ad/state';
import { newLedger, reserve, settle } from '../../src/workflows/shared/ledger';
import { nextAction, renderDetails } from '../../src/workflows/ad/details';
import { adStaticDetails, adStaticSummary } from '../../src/workflows/ad/summaries';
import { firstWords, shortDuration, shortTaskId, urlHost } from '../../src/workflows/shared/shortText';

const CONTEXT = { adLine: 'Ad spring-42: a bottle on a beach, 15 s, 16:9', runNumber: 1 };

function reviewState(): AdState {
  const state = newAdState('spring-42', 10);
  Object.assign(state, {
    stage: 'review',
    mainTaskId: '891100896237203456',
    taskCredits: { '891100896237203456': 800, '891100896237209999': 40 },
    reviewDeadline: Date.UTC(2026, 4, 6, 13, 5, 30),
    storyboards: [{ takes: [{ id: 't1', state: 'success' }], selectedTakeId: 't1', selectedSeq: 0 }],
  });
  return state;
}

describe('summaries', () => {
  it('cut prompts to their first words, on one line', () => {
    assert.equal(firstWords('a perfume bottle\non a marble table at golden hour'), 'a perfume bottle on a marble…');
    assert.equal(firstWords('short prompt'), 'short prompt');
    assert.equal(firstWords(`${'x'.repeat(60)} y`), `${'x'.repeat(40)}…`);
  });

  it("name a Vidu task by the tail of its id, which tells an ad's tasks apart", () => {
    assert.equal(shortTaskId('891100896237203456'), '…203456');
    assert.equal(shortTaskId('1234'), '1234');
  });

  it('say durations the short way', () => {
    assert.deepEqual([1_000, 20_000, 90_000, 3_600_000, 5_400_000].map(shortDuration), ['1s', '20s', '1m30s', '1h', '1h30m']);
  });

  it("show a webhook's host only: its path and query may carry a token", () => {
    assert.equal(urlHost('https://hooks.example.com:8443/in/secret-token?key=abc'), 'hooks.example.com:8443');
  });

  it('give the ad a static summary and details from its request', () => {
    const input = { adId: 'spring-42', prompt: 'a bottle on a beach', duration: 15, aspectRatio: '16:9' as const };
    assert.equal(adStaticSummary(input), 'Ad spring-42: a bottle on a beach, 15 s, 16:9');
    assert.equal(adStaticSummary({ adId: 'bare' }), 'Ad bare');
    const details = adStaticDetails({ images: ['stored:images/a.png', 'https://cdn.example.com/b.png'], language: 'en', notifyUrl: 'https://hooks.example.com/t/secret' });
    assert.match(details, /2 image\(s\), narration in en/);
    assert.match(details, /hooks\.example\.com/);
    assert.doesNotMatch(details, /secret|cdn\.example\.com/, 'no image URL, no webhook path');
  });
});

describe('current details', () => {
  it('lead with the stage, the next action, and the Vidu task with the credits', () => {
    const [head, rest] = renderDetails(reviewState(), CONTEXT).split('\n\n---\n\n');
    assert.deepEqual(head!.split('  \n'), [
      '**review**',
      '**Next:** waiting for review: approve or edit, until 2026-05-06 13:05 UTC',
      'Vidu task `891100896237203456` · **Credits:** 840',
    ]);
    assert.match(rest!, /Storyboards: #0: `t1` of 1/);
    assert.doesNotMatch(rest!, /Ad spring-42/, 'the first run has the static summary: no need to repeat it');
  });

  it('show the budget: the limit next to the credits, and spent, reserved and estimated below', () => {
    const state = reviewState();
    state.budget = newLedger('ad', 'maxCredits', 1_000);
    reserve(state.budget, 'create', 600, 'create');
    settle(state.budget, 'create', 600);
    reserve(state.budget, 'compose', 1, 'compose');
    reserve(state.budget, 'edit:e1', 200, 'storyboard edit');
    const [head, rest] = renderDetails(state, CONTEXT).split('\n\n---\n\n');
    assert.equal(head!.split('  \n')[2], 'Vidu task `891100896237203456` · **Credits:** 840 of 1000');
    assert.match(rest!, /^Budget: 600 spent, 201 reserved, 801 estimated, maxCredits 1000 \(199 left\) *$/m);
    assert.doesNotMatch(renderDetails(reviewState(), CONTEXT), /Budget:/, 'ads without a ledger show no budget line');
  });

  it('repeat the ad after continue-as-new, which drops the static summary', () => {
    assert.match(renderDetails(reviewState(), { ...CONTEXT, runNumber: 3 }), /Ad spring-42: a bottle on a beach, 15 s, 16:9 · run 3/);
  });

  it('say what the ad waits for at each stage', () => {
    const state = reviewState();
    Object.assign(state, { stage: 'generating', progress: 40 });
    assert.equal(nextAction(state), 'waiting for Vidu: main task …203456 40%');
    assert.match(renderDetails(state, CONTEXT), /^\*\*generating\*\* \(40%\)/);
    state.waitingFor = `reading the storyboards: Vidu unreachable for 40s (${'x'.repeat(300)})`;
    assert.ok(nextAction(state).length <= 140, 'a long outage message is cut; the status query has it whole');
    Object.assign(state, { stage: 'failed', waitingFor: undefined, lastError: 'Vidu ad task 891100896237203456 ended failed' });
    const head = renderDetails(state, CONTEXT).split('\n\n---\n\n')[0]!;
    assert.match(head, /\*\*Next:\*\* nothing: the ad failed/);
    assert.match(head, /\*\*Error:\*\* Vidu ad task/, "a failure's reason is up top");
  });
});
