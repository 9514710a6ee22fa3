// A credit budget as a reservation ledger: every spending request reserves
// its estimated cost before anything is sent, and the reservation is settled
// with what Vidu charged once the task is final (refunded when it failed or
// was cancelled). The state is plain JSON, so it rides in the ad's state
// through continue-as-new, and the functions are pure, so the same ledger
// serves an ad (`maxCredits`) and, later, a campaign.
//
// The invariant (test/workflows/budgetLedger.property.test.ts checks it
// under random interleavings of reserves, settlements, refunds and retries):
//   committed = spent + reserved, where reserved is the sum of the open
//   reservations and spent the sum of the settled charges;
//   1. a reservation is granted only when committed + its amount <= limit;
//   2. at every moment committed <= limit + overrun, where overrun is the sum,
//      over settlements, of what Vidu charged beyond the reservation; so while
//      Vidu charges no more than estimated (its prices are published and the
//      estimates round up), spent <= committed <= limit;
//   3. once committed reaches the limit (an overrun included), nothing new is
//      granted until a refund or a cheaper settlement frees room;
//   4. each reservation id is charged at most once: settling, refunding or
//      reserving an id again (a retry, a replayed signal) changes nothing.
// Vidu may charge more than estimated (an uneven storyboard, a price change):
// the charge is recorded as spent, whatever it is, and shown as overrun.

export interface Reservation {
  amount: number;
  /** What it is for, as refusals and the status name it ("storyboard edit"). */
  what: string;
}

export interface LedgerState {
  /** Whose budget it is, as refusals name it: "ad", "campaign". */
  owner: string;
  /** The setting that set the limit, as refusals name it: "maxCredits". */
  limitName: string;
  /** No limit: the ledger only counts. */
  limit?: number;
  open: Record<string, Reservation>;
  spent: number;
  /** The estimates of the settled reservations (refunds excluded), to compare with `spent`. */
  settledEstimates: number;
  overrun: number;
  /** Ids settled or refunded: repeating them changes nothing. */
  closed: string[];
}

export interface LedgerTotals {
  /** Estimates of everything granted and not refunded: the open reservations and the settled ones. */
  estimated: number;
  reserved: number;
  spent: number;
  limit?: number;
  /** Charged beyond the reservations, when Vidu charged more than estimated. */
  overrun: number;
}

export type ReserveOutcome =
  | { outcome: 'granted' }
  /** Already open under this id: nothing more is held. */
  | { outcome: 'held' }
  /** Already settled or refunded under this id: it must not be spent again. */
  | { outcome: 'closed' }
  | { outcome: 'refused'; message: string };

export function newLedger(owner: string, limitName: string, limit?: number): LedgerState {
  return { owner, limitName, limit, open: {}, spent: 0, settledEstimates: 0, overrun: 0, closed: [] };
}

export function reservedOf(ledger: LedgerState): number {
  return Object.values(ledger.open).reduce((sum, r) => sum + r.amount, 0);
}

export function committedOf(ledger: LedgerState): number {
  return ledger.spent + reservedOf(ledger);
}

export function totalsOf(ledger: LedgerState): LedgerTotals {
  const reserved = reservedOf(ledger);
  return { estimated: ledger.settledEstimates + reserved, reserved, spent: ledger.spent, limit: ledger.limit, overrun: ledger.overrun };
}

/** Why `amount` more would break the budget ("ad budget maxCredits=600: 520 reserved or spent, this storyboard edit would cost about 200"). */
export function refusalOf(ledger: LedgerState, amount: number, what: string): string | undefined {
  if (ledger.limit === undefined) return undefined;
  const committed = committedOf(ledger);
  if (committed + amount <= ledger.limit) return undefined;
  return `${ledger.owner} budget ${ledger.limitName}=${ledger.limit}: ${committed} reserved or spent, this ${what} would cost about ${amount}`;
}

export function reserve(ledger: LedgerState, id: string, amount: number, what: string): ReserveOutcome {
  if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`reservation ${id}: amount must be a whole number of credits, 0 or more (got ${amount})`);
  if (ledger.open[id]) return { outcome: 'held' };
  if (ledger.closed.includes(id)) return { outcome: 'closed' };
  const message = refusalOf(ledger, amount, what);
  if (message) return { outcome: 'refused', message };
  ledger.open[id] = { amount, what };
  return { outcome: 'granted' };
}

/** Records what Vidu charged for an open reservation and releases it; false when `id` is not open (a repeat). */
export function settle(ledger: LedgerState, id: string, charged: number): boolean {
  const reservation = ledger.open[id];
  if (!reservation) return false;
  const actual = Math.max(0, charged);
  delete ledger.open[id];
  ledger.closed.push(id);
  ledger.spent += actual;
  if (actual > 0) ledger.settledEstimates += reservation.amount;
  ledger.overrun += Math.max(0, actual - reservation.amount);
  return true;
}

/** Releases an open reservation that spent nothing (the task failed, was cancelled, or never created). */
export function refund(ledger: LedgerState, id: string): boolean {
  return settle(ledger, id, 0);
}

/**
 * Records a charge that had no reservation (an ad resumed from a task an
 * earlier run created): it counts as spent and, beyond the limit, as overrun.
 */
export function recordUnreserved(ledger: LedgerState, id: string, charged: number): boolean {
  if (ledger.open[id] || ledger.closed.includes(id)) return false;
  const actual = Math.max(0, charged);
  const room = ledger.limit === undefined ? actual : Math.max(0, ledger.limit - committedOf(ledger));
  ledger.closed.push(id);
  ledger.spent += actual;
  ledger.settledEstimates += actual;
  ledger.overrun += Math.max(0, actual - room);
  return true;
}

/**
 * Reserves the same amount in several budgets (an ad's and its campaign's),
 * all or none: the first budget that would be broken refuses for all.
 */
export function reserveAll(ledgers: LedgerState[], id: string, amount: number, what: string): ReserveOutcome {
  for (const ledger of ledgers) {
    if (ledger.open[id] || ledger.closed.includes(id)) continue;
    const message = refusalOf(ledger, amount, what);
    if (message) return { outcome: 'refused', message };
  }
  const outcomes = ledgers.map((ledger) => reserve(ledger, id, amount, what));
  return outcomes.find((o) => o.outcome === 'granted') ?? outcomes[0] ?? { outcome: 'granted' };
}
