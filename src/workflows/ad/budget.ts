// The ad's credit budget in the workflow: what each create, edit and compose
// reserves before its activity runs, and how the reservation is settled once
// Vidu reports the task final (refunded when nothing was charged). The ledger
// lives in the ad's state (so it continues as new with it); ads started before
// budgets existed have none, and every method is then a no-op, so their
// histories replay unchanged (the `credit-budget` patch decides, once per ad).
import { ApplicationFailure, isCancellation, patched } from '@temporalio/workflow';
import type { TaskSnapshot } from './activityContract';
import type { AdState } from './state';
import { newLedger, recordUnreserved, refund, refusalOf, reserve, settle, type LedgerState } from '../shared/ledger';
import { adStartCredits, DEFAULT_AD_SECONDS, describeSpend, estimateCredits, expectedStoryboards, type SpendRequest } from '../shared/prices';
import { FAILURE_TYPES } from '../shared/failures';
import type { AdFilmInput, EditRequestInput } from './contract';
import { failureCause } from '../shared/outageRetry';

export const CREDIT_BUDGET_PATCH = 'credit-budget';

/** Reservation ids: one per spending step of the ad. */
export const RESERVATION = {
  create: 'create',
  compose: 'compose',
  edit: (requestId: string) => `edit:${requestId}`,
} as const;

/** The ledger a new ad starts with, or none when the history predates budgets. */
export function openAdLedger(input: AdFilmInput): LedgerState | undefined {
  if (input.continued || !patched(CREDIT_BUDGET_PATCH)) return undefined;
  return newLedger('ad', 'maxCredits', input.maxCredits);
}

/** The ad's failure when a spending step does not fit its budget. */
export function budgetFailure(refusal: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE_TYPES.budgetExceeded, message: refusal, nonRetryable: true });
}

/** True when the failure proves the request created nothing at Vidu (a refusal), so its reservation may be refunded. */
export function provenUnspent(err: unknown): boolean {
  if (isCancellation(err)) return false;
  const cause = failureCause(err);
  return !cause.timeout && cause.type !== FAILURE_TYPES.outcomeUnknown && cause.type !== FAILURE_TYPES.createOutcomeUnknown;
}

export class AdBudget {
  private readonly adSeconds: number;

  constructor(
    private readonly state: AdState,
    input: Pick<AdFilmInput, 'duration'>,
  ) {
    this.adSeconds = input.duration ?? DEFAULT_AD_SECONDS;
  }

  /** True when this ad keeps a ledger (started after budgets existed). */
  get active(): boolean {
    return this.state.budget !== undefined;
  }

  editSpend(request: EditRequestInput): SpendRequest {
    if (request.kind === 'narration') return { kind: 'narration', prompt: request.prompt };
    if (request.kind === 'bgm') return { kind: 'bgm', adSeconds: this.adSeconds };
    return { kind: 'video', adSeconds: this.adSeconds, storyboards: this.state.storyboards.length || expectedStoryboards(this.adSeconds) };
  }

  /** Why this (otherwise valid) edit would break the budget; undefined when it fits or no budget is kept. */
  editRefusal(request: EditRequestInput): string | undefined {
    const ledger = this.state.budget;
    if (!ledger) return undefined;
    const spend = this.editSpend(request);
    return refusalOf(ledger, estimateCredits(spend), describeSpend(spend));
  }

  /** Reserves an edit's estimate; the refusal when it no longer fits. */
  reserveEdit(requestId: string, request: EditRequestInput): string | undefined {
    const spend = this.editSpend(request);
    return this.reserve(RESERVATION.edit(requestId), estimateCredits(spend), describeSpend(spend));
  }

  /** The create's estimate (what the account must hold before it). */
  get createCost(): number {
    return adStartCredits(this.adSeconds).create;
  }

  /** Before the create: reserves it and one compose, both or neither; the refusal when they do not fit. */
  reserveStart(): string | undefined {
    const cost = adStartCredits(this.adSeconds);
    const refusal = this.reserve(RESERVATION.create, cost.create, describeSpend({ kind: 'create', adSeconds: this.adSeconds }));
    if (refusal) return refusal;
    const composeRefusal = this.reserve(RESERVATION.compose, cost.compose, 'compose');
    if (composeRefusal) this.refund(RESERVATION.create);
    return composeRefusal;
  }

  /** Reserves an amount under an id (a repeat holds nothing more); the refusal when it does not fit. */
  reserve(id: string, amount: number, what: string): string | undefined {
    const ledger = this.state.budget;
    if (!ledger) return undefined;
    const outcome = reserve(ledger, id, amount, what);
    return outcome.outcome === 'refused' ? outcome.message : undefined;
  }

  /** Settles with what Vidu reported once the task is final: its credits when it succeeded, nothing otherwise. */
  settleFinal(id: string, final: TaskSnapshot): void {
    if (!this.state.budget) return;
    if (final.state === 'success') settle(this.state.budget, id, final.credits);
    else refund(this.state.budget, id);
  }

  /** Settles with a known charge (a wait that ended early: what Vidu charged and did not refund). */
  settleCharged(id: string, credits: number): void {
    if (this.state.budget) settle(this.state.budget, id, credits);
  }

  refund(id: string): void {
    if (this.state.budget) refund(this.state.budget, id);
  }

  /**
   * When the ad fails or is cancelled: a task that exists keeps what Vidu
   * charged and did not refund (its cancel zeroes `taskCredits`), a compose
   * never started costs nothing. Only a create whose outcome is unclear (no
   * task id known) stays reserved: it may have been billed.
   */
  settleOnEnd(): void {
    const { state } = this;
    if (!state.budget) return;
    if (state.mainTaskId) this.settleCharged(RESERVATION.create, state.taskCredits[state.mainTaskId] ?? 0);
    if (state.composeTaskId) this.settleCharged(RESERVATION.compose, state.taskCredits[state.composeTaskId] ?? 0);
    else this.refund(RESERVATION.compose);
  }

  /** The main task of a resumed ad was paid by an earlier workflow: counted as spent without a reservation. */
  settleMain(final: TaskSnapshot): void {
    const ledger = this.state.budget;
    if (!ledger) return;
    if (ledger.open[RESERVATION.create]) this.settleFinal(RESERVATION.create, final);
    else if (final.state === 'success') recordUnreserved(ledger, RESERVATION.create, final.credits);
  }
}
