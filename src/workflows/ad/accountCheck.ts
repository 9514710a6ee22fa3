// Before the create: can the Vidu account pay for it? A create that Vidu
// refuses with CreditInsufficient fails the ad; reading the balance first lets
// an ad wait for a top-up instead (re-reading on a durable timer, the wait
// shown in the status and the Web UI), or fail at once with a clear reason,
// as the worker's ACCOUNT_CREDITS_SHORTFALL says.
import { ApplicationFailure, sleep } from '@temporalio/workflow';
import type { ReadActivities } from './activityContract';
import type { ActivityGroup } from './activityGroups';
import { FAILURE_TYPES } from '../shared/failures';
import { retryThroughOutages } from '../shared/outageRetry';
import { shortDuration } from '../shared/shortText';

export interface AccountCheckContext {
  reads: ActivityGroup<ReadActivities>;
  /** The create's estimated cost. */
  needed: number;
  outageBudgetMs: number;
  setWaiting(message: string | undefined): void;
}

export async function awaitAccountCredits(ctx: AccountCheckContext): Promise<void> {
  const { needed } = ctx;
  let waited = false;
  for (;;) {
    const account = await retryThroughOutages(() => ctx.reads(`check account credits (${needed} needed)`).checkAccountCredits({ needed }), {
      what: 'reading the Vidu account balance',
      budgetMs: ctx.outageBudgetMs,
      idempotent: true,
      onWaiting: ctx.setWaiting,
    });
    if (account.remaining >= needed) {
      if (waited) ctx.setWaiting(undefined);
      return;
    }
    const short = `the Vidu account has ${account.remaining} credits left; creating this ad needs about ${needed}`;
    if (account.onShortfall === 'fail') {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.accountCreditsShort,
        message: `${short} (ACCOUNT_CREDITS_SHORTFALL=fail): top up the account and retry the ad`,
        details: [{ remaining: account.remaining, needed }],
        nonRetryable: true,
      });
    }
    waited = true;
    ctx.setWaiting(`${short}: waiting for a top-up, checking again in ${shortDuration(account.recheckMs)}`);
    await sleep(account.recheckMs, { summary: `account short (${account.remaining} of ${needed} credits): recheck in ${shortDuration(account.recheckMs)}` });
  }
}
