// Property: a campaign's spend never breaks its budget. Many ads (each with
// its own maxCredits) reserve in their own ledger and the campaign's, all or
// none (reserveAll); Vidu charges once per granted request, sometimes less
// than the estimate, sometimes nothing (a failed task), and, in some runs,
// more. Commands arrive in any order and repeat (retries, replayed signals),
// and the ledgers go through JSON (continue-as-new) at random moments. After
// every step each ledger must keep the invariant stated in ledger.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { committedOf, newLedger, refund, reservedOf, reserveAll, settle, totalsOf, type LedgerState } from '../../src/workflows/shared/ledger';
import { estimateCredits, type SpendRequest } from '../../src/workflows/shared/prices';

const RUNS = 400;
const ADS = 3;
const STEPS_PER_AD = 6;

type Command =
  | { op: 'reserve'; ad: number; step: number; request: SpendRequest }
  | { op: 'settle'; ad: number; step: number; chargeFactor: number }
  | { op: 'refund'; ad: number; step: number }
  | { op: 'continueAsNew' };

const adSeconds = fc.integer({ min: 10, max: 60 });
const spendRequest: fc.Arbitrary<SpendRequest> = fc.oneof(
  adSeconds.map((s) => ({ kind: 'create' as const, adSeconds: s })),
  fc.record({ adSeconds, storyboards: fc.integer({ min: 1, max: 12 }) }).map((r) => ({ kind: 'video' as const, ...r })),
  fc.string({ maxLength: 1200 }).map((prompt) => ({ kind: 'narration' as const, prompt })),
  adSeconds.map((s) => ({ kind: 'bgm' as const, adSeconds: s })),
  fc.constant({ kind: 'compose' as const }),
);
const ad = fc.integer({ min: 0, max: ADS - 1 });
const step = fc.integer({ min: 0, max: STEPS_PER_AD - 1 });

/** chargeFactor: what Vidu charges as a share of the estimate (0 = failed task, >1 = more than estimated). */
function commands(maxFactor: number): fc.Arbitrary<Command[]> {
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('reserve' as const), ad, step, request: spendRequest }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('settle' as const), ad, step, chargeFactor: fc.double({ min: 0, max: maxFactor, noNaN: true }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('refund' as const), ad, step }) },
    { weight: 1, arbitrary: fc.constant({ op: 'continueAsNew' as const }) },
  );
  return fc.array(command, { maxLength: 120 });
}

/** What Vidu really charged, per reservation id: the ground truth the ledgers must agree with. */
class Vidu {
  readonly charged = new Map<string, number>();
  readonly sent = new Set<string>();
}

function roundTrip(ledger: LedgerState): LedgerState {
  return JSON.parse(JSON.stringify(ledger)) as LedgerState;
}

function checkInvariant(ledger: LedgerState, label: string): void {
  const { reserved, spent, overrun, limit } = totalsOf(ledger);
  assert.ok(reserved >= 0 && spent >= 0 && overrun >= 0, `${label}: negative totals ${JSON.stringify(totalsOf(ledger))}`);
  assert.equal(reserved, reservedOf(ledger));
  if (limit !== undefined) assert.ok(committedOf(ledger) <= limit + overrun, `${label}: committed ${committedOf(ledger)} > limit ${limit} + overrun ${overrun}`);
}

function run(campaignBudget: number, adLimits: number[], script: Command[]): { campaign: LedgerState; ads: LedgerState[]; vidu: Vidu } {
  let campaign = newLedger('campaign', 'budget', campaignBudget);
  let ads = adLimits.map((limit) => newLedger('ad', 'maxCredits', limit));
  const vidu = new Vidu();
  for (const command of script) {
    if (command.op === 'continueAsNew') {
      campaign = roundTrip(campaign);
      ads = ads.map(roundTrip);
      continue;
    }
    const id = `ad${command.ad}:step${command.step}`;
    const mine = [ads[command.ad]!, campaign];
    if (command.op === 'reserve') {
      const amount = estimateCredits(command.request);
      const before = mine.map(committedOf);
      const outcome = reserveAll(mine, id, amount, command.request.kind);
      if (outcome.outcome === 'granted') {
        // Rule 1: granted only with room in every budget.
        mine.forEach((ledger, i) => assert.ok(before[i]! + amount <= ledger.limit!, `granted ${amount} over ${ledger.owner} budget ${ledger.limit} with ${before[i]} committed`));
        vidu.sent.add(id);
      } else if (outcome.outcome === 'refused') {
        assert.match(outcome.message, /^(ad budget maxCredits|campaign budget budget)=\d+: \d+ reserved or spent, this \w+ would cost about \d+$/);
        mine.forEach((ledger, i) => assert.equal(committedOf(ledger), before[i], 'a refusal holds nothing'));
      }
    } else if (command.op === 'settle') {
      const reservation = campaign.open[id];
      // Vidu charges only for a request that was sent, once: a repeated settle reports the same charge.
      if (reservation && vidu.sent.has(id) && !vidu.charged.has(id)) vidu.charged.set(id, Math.round(reservation.amount * command.chargeFactor));
      const charge = vidu.charged.get(id) ?? 0;
      for (const ledger of mine) settle(ledger, id, charge);
    } else {
      if (campaign.open[id] && !vidu.charged.has(id)) vidu.charged.set(id, 0);
      for (const ledger of mine) refund(ledger, id);
    }
    checkInvariant(campaign, 'campaign');
    ads.forEach((ledger, i) => checkInvariant(ledger, `ad ${i}`));
  }
  return { campaign, ads, vidu };
}

const budgets = fc.record({
  campaignBudget: fc.integer({ min: 0, max: 6_000 }),
  adLimits: fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: ADS, maxLength: ADS }),
});

describe('credit budget ledger', () => {
  test('Vidu charging at most the estimate: the campaign and every ad spend within budget, whatever the order, retries and restarts', () => {
    fc.assert(
      fc.property(budgets, commands(1), ({ campaignBudget, adLimits }, script) => {
        const { campaign, ads, vidu } = run(campaignBudget, adLimits, script);
        const viduTotal = [...vidu.charged.values()].reduce((a, b) => a + b, 0);
        // Every charge counted once, however often it was settled.
        assert.equal(campaign.spent, viduTotal);
        assert.equal(campaign.overrun, 0);
        assert.ok(campaign.spent + reservedOf(campaign) <= campaignBudget);
        ads.forEach((ledger, i) => assert.ok(ledger.spent <= adLimits[i]!, `ad ${i} spent ${ledger.spent} over ${adLimits[i]}`));
        assert.equal(ads.reduce((sum, l) => sum + l.spent, 0), campaign.spent);
      }),
      { numRuns: RUNS },
    );
  });

  test('Vidu charging more than estimated: every credit is counted, the excess shows as overrun, and nothing new is granted past the limit', () => {
    fc.assert(
      fc.property(budgets, commands(2), ({ campaignBudget, adLimits }, script) => {
        const { campaign, vidu } = run(campaignBudget, adLimits, script);
        const viduTotal = [...vidu.charged.values()].reduce((a, b) => a + b, 0);
        assert.equal(campaign.spent, viduTotal);
        assert.ok(campaign.spent <= campaignBudget + campaign.overrun);
        if (committedOf(campaign) >= campaignBudget) {
          const outcome = reserveAll([campaign], 'one-more', 1, 'compose');
          assert.equal(outcome.outcome, 'refused');
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('repeats change nothing: a settled id is neither charged again nor reserved again', () => {
    const ledger = newLedger('ad', 'maxCredits', 600);
    assert.equal(reserveAll([ledger], 'edit-1', 200, 'storyboard edit').outcome, 'granted');
    assert.equal(reserveAll([ledger], 'edit-1', 200, 'storyboard edit').outcome, 'held');
    assert.equal(settle(ledger, 'edit-1', 190), true);
    assert.equal(settle(ledger, 'edit-1', 190), false);
    assert.equal(refund(ledger, 'edit-1'), false);
    assert.equal(reserveAll([ledger], 'edit-1', 200, 'storyboard edit').outcome, 'closed');
    assert.deepEqual(totalsOf(ledger), { estimated: 200, reserved: 0, spent: 190, limit: 600, overrun: 0 });
  });

  test('the refusal names the budget, what is committed and what the request would cost', () => {
    const ledger = newLedger('ad', 'maxCredits', 600);
    reserveAll([ledger], 'create', 520, 'create');
    const outcome = reserveAll([ledger], 'edit-1', estimateCredits({ kind: 'video', adSeconds: 15, storyboards: 3 }), 'storyboard edit');
    assert.deepEqual(outcome, { outcome: 'refused', message: 'ad budget maxCredits=600: 520 reserved or spent, this storyboard edit would cost about 200' });
  });

  test('estimates follow the published prices', () => {
    assert.equal(estimateCredits({ kind: 'create', adSeconds: 15 }), 600);
    assert.equal(estimateCredits({ kind: 'video', adSeconds: 15, storyboards: 3 }), 200);
    assert.equal(estimateCredits({ kind: 'narration', prompt: 'a'.repeat(501) }), 20);
    assert.equal(estimateCredits({ kind: 'narration', prompt: '🌊'.repeat(500) }), 10);
    assert.equal(estimateCredits({ kind: 'bgm', adSeconds: 15 }), 30);
    assert.equal(estimateCredits({ kind: 'compose' }), 1);
  });
});
