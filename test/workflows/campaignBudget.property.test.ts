// Property: what a campaign spends never exceeds its budget, under any
// interleaving. The campaign grants each ad an allotment from its ledger
// before the ad starts (src/workflows/campaign/budget.ts); each ad's own ledger
// (limit = its allotment) reserves before every create, edit and compose,
// repeats and retries included; Vidu charges at most the estimate (or nothing,
// a failed task); ads end in any order and their allotments settle to what
// they spent and still hold; the ledgers pass through JSON (continue-as-new)
// at random moments. After every step: the sum of what Vidu charged for the
// campaign's ads is at most budgetCredits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { newLedger, refund, reserve, settle, totalsOf, type LedgerState } from '../../src/workflows/shared/ledger';
import { estimateCredits, type SpendRequest } from '../../src/workflows/shared/prices';
import { allotmentFor, allotmentRefusal, newCampaignLedger, reserveAllotment, settleAllotment } from '../../src/workflows/campaign/budget';
import type { CampaignInput, CampaignVariantStatus } from '../../src/workflows/campaign/contract';
import { expandVariants } from '../../src/workflows/campaign/variants';

type Command =
  | { op: 'start' }
  | { op: 'reserve'; ad: number; id: number; request: SpendRequest }
  | { op: 'charge'; ad: number; id: number; factor: number }
  | { op: 'end'; ad: number }
  | { op: 'continueAsNew' };

const AD_COUNT = 6;
const ad = fc.integer({ min: 0, max: AD_COUNT - 1 });
const id = fc.integer({ min: 0, max: 4 });
const request: fc.Arbitrary<SpendRequest> = fc.oneof(
  fc.constant({ kind: 'video' as const, adSeconds: 10, storyboards: 2 }),
  fc.string({ maxLength: 1200 }).map((prompt) => ({ kind: 'narration' as const, prompt })),
  fc.constant({ kind: 'bgm' as const, adSeconds: 10 }),
  fc.constant({ kind: 'compose' as const }),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: 'start' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('reserve' as const), ad, id, request }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('charge' as const), ad, id, factor: fc.integer({ min: 0, max: 100 }).map((percent) => percent / 100) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('end' as const), ad }) },
  { weight: 1, arbitrary: fc.constant({ op: 'continueAsNew' as const }) },
);

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('campaign budget', () => {
  test('the campaign never spends more than budgetCredits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 401, max: 3000 }), fc.option(fc.integer({ min: 401, max: 900 }), { nil: undefined }), fc.array(command, { minLength: 20, maxLength: 150, size: 'max' }), (budget, perAd, commands) => {
        const input: CampaignInput = {
          campaignId: 'prop',
          images: ['https://example.com/a.png'],
          variants: { aspectRatios: ['16:9', '9:16', '1:1'], languages: ['en', 'zh'], durations: [10] },
          budgetCredits: budget,
          ads: perAd === undefined ? undefined : { maxCredits: perAd },
        };
        const variants: CampaignVariantStatus[] = expandVariants(input);
        assert.equal(variants.length, AD_COUNT);
        let campaign = newCampaignLedger(input)!;
        const adLedgers = new Map<number, LedgerState>();
        const ended = new Set<number>();
        let charged = 0;
        const chargedFor = new Set<string>();
        for (const step of commands) {
          if (step.op === 'start') {
            const next = variants.findIndex((v) => v.state === 'waiting');
            if (next < 0 || allotmentRefusal(campaign, input, variants[next]!)) continue;
            reserveAllotment(campaign, input, variants[next]!);
            variants[next]!.state = 'started';
            // The ad's create and one compose, reserved in its own ledger first (as the ad does).
            const ledger = newLedger('ad', 'maxCredits', allotmentFor(input, variants[next]!));
            reserve(ledger, 'create', estimateCredits({ kind: 'create', adSeconds: 10 }), 'create');
            reserve(ledger, 'compose', 1, 'compose');
            adLedgers.set(next, ledger);
          } else if (step.op === 'reserve') {
            const ledger = adLedgers.get(step.ad);
            if (ledger && !ended.has(step.ad)) reserve(ledger, `r${step.id}`, estimateCredits(step.request), 'edit');
          } else if (step.op === 'charge') {
            const ledger = adLedgers.get(step.ad);
            const key = step.id === 0 ? 'create' : `r${step.id}`;
            const open = ledger?.open[key];
            if (!ledger || !open || ended.has(step.ad)) continue;
            const amount = Math.floor(open.amount * step.factor);
            if (!chargedFor.has(`${step.ad}/${key}`)) {
              chargedFor.add(`${step.ad}/${key}`);
              charged += amount;
            }
            if (amount === 0) refund(ledger, key);
            else settle(ledger, key, amount);
          } else if (step.op === 'end') {
            const ledger = adLedgers.get(step.ad);
            if (!ledger || ended.has(step.ad)) continue;
            ended.add(step.ad);
            const totals = totalsOf(ledger);
            variants[step.ad]!.creditsSpent = totals.spent;
            variants[step.ad]!.creditsReserved = totals.reserved;
            variants[step.ad]!.stage = 'done';
            settleAllotment(campaign, variants[step.ad]!);
          } else {
            campaign = json(campaign);
            for (const [key, ledger] of adLedgers) adLedgers.set(key, json(ledger));
          }
          assert.ok(charged <= budget, `Vidu charged ${charged} for a campaign with budgetCredits=${budget}`);
          const totals = totalsOf(campaign);
          assert.ok(totals.spent + totals.reserved <= budget, `the campaign committed ${totals.spent + totals.reserved} > ${budget}`);
        }
      }),
      { numRuns: 400 },
    );
  });
});
