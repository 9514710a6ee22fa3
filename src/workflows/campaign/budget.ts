// A campaign's credit budget (`budgetCredits`), kept by allotments: before a
// variant starts, the campaign reserves that ad's allotment in its own ledger
// and starts the ad with it as `maxCredits`, which the ad's own ledger then
// enforces on its create, edits and compose (src/workflows/ad/budget.ts). When
// the ad ends, the allotment settles to what the ad spent (plus anything it
// still holds for an unclear outcome), freeing the rest for the next variants.
// So the campaign's spend is at most the allotments granted, which its ledger
// keeps within the budget: every check stays local and synchronous, as an
// update validator needs. test/workflows/campaignBudget.property.test.ts checks it.
import { newLedger, refusalOf, reserve, settle, totalsOf, type LedgerState, type LedgerTotals } from '../shared/ledger';
import { adStartCredits, describeSpend, estimateCredits, expectedStoryboards, type SpendRequest } from '../shared/prices';
import type { CampaignEditInput, CampaignInput, CampaignVariantStatus } from './contract';

export function newCampaignLedger(input: CampaignInput): LedgerState | undefined {
  return input.budgetCredits === undefined ? undefined : newLedger('campaign', 'budgetCredits', input.budgetCredits);
}

/** What one ad of the campaign may spend: `ads.maxCredits`, else its create and one compose. */
export function allotmentFor(input: CampaignInput, variant: Pick<CampaignVariantStatus, 'duration'>): number | undefined {
  if (input.ads?.maxCredits !== undefined) return input.ads.maxCredits;
  return input.budgetCredits === undefined ? undefined : adStartCredits(variant.duration).total;
}

/** Why the next variant cannot start now; undefined when its allotment fits (or there is no budget). */
export function allotmentRefusal(ledger: LedgerState | undefined, input: CampaignInput, variant: CampaignVariantStatus): string | undefined {
  const amount = allotmentFor(input, variant);
  if (!ledger || amount === undefined) return undefined;
  return refusalOf(ledger, amount, `ad ${variant.key}`);
}

export function reserveAllotment(ledger: LedgerState | undefined, input: CampaignInput, variant: CampaignVariantStatus): void {
  const amount = allotmentFor(input, variant);
  if (ledger && amount !== undefined) reserve(ledger, variant.adId, amount, `ad ${variant.key}`);
}

/** Once the ad has ended: the allotment settles to what it spent and still holds. */
export function settleAllotment(ledger: LedgerState | undefined, variant: CampaignVariantStatus): void {
  if (ledger) settle(ledger, variant.adId, variant.creditsSpent + (variant.creditsReserved ?? 0));
}

export function campaignCredits(ledger: LedgerState | undefined): LedgerTotals | undefined {
  return ledger ? totalsOf(ledger) : undefined;
}

function editSpend(edit: CampaignEditInput, duration: number): SpendRequest {
  if (edit.kind === 'narration') return { kind: 'narration', prompt: edit.prompt };
  if (edit.kind === 'bgm') return { kind: 'bgm', adSeconds: duration };
  return { kind: 'video', adSeconds: duration, storyboards: expectedStoryboards(duration) };
}

/**
 * A campaign-level edit no ad could pay for is refused at once, naming the
 * budget: when every target's allotment lacks room for it. (Where only some
 * lack it, those ads refuse it themselves, in their own `requests`.)
 */
export function editBudgetRefusal(input: CampaignInput, targets: CampaignVariantStatus[], edit: CampaignEditInput): string | undefined {
  if (targets.length === 0) return undefined;
  const short = targets.map((v) => {
    const allotment = allotmentFor(input, v);
    const spend = editSpend(edit, v.duration);
    const cost = estimateCredits(spend);
    const committed = v.creditsSpent + (v.creditsReserved ?? 0);
    return allotment === undefined || committed + cost <= allotment ? undefined : { v, allotment, committed, cost, what: describeSpend(spend) };
  });
  if (short.some((s) => s === undefined)) return undefined;
  const first = short[0]!;
  return `ad budget maxCredits=${first.allotment} (the campaign's allotment per ad): ${first.v.adId} has ${first.committed} reserved or spent, this ${first.what} would cost about ${first.cost}${targets.length > 1 ? `, and none of the other ${targets.length - 1} ads in review has room` : ''}`;
}
