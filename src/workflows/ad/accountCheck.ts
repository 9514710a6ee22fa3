// Before the create: can the Vidu account pay for it? A create that Vidu
// refuses with CreditInsufficient fails the ad; reading the balance first lets
// an ad wait for a top-up instead (re-reading on a durable timer, the wait
// shown in the status and the Web UI), or fail at once with a clear reason,
// as the worker's ACCOUNT_CREDITS_SHORTFALL says.
import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../shared/failures';
import { retryThroughOutages } from '../shared/outageRetry';
import { shortDuration } from '../shared/shortText';
import type { AdRun } from './run';

/** Reads the balance before the create; waits for a top-up or fails, as the worker's policy says. */
export async function awaitAccountCredits(run: AdRun): Promise<void> {
  const needed = run.budget.createCost;
  const onWaiting = (message: string | undefined) => run.setWaiting(message);
  let waited = false;
  for (;;) {
    const account = await retryThroughOutages(() => run.acts.reads(`check account credits (${needed} needed)`).checkAccountCredits({ needed }), {
      what: 'reading the Vidu account balance',
      budgetMs: run.limits.outageBudgetMs,
      idempotent: true,
      onWaiting,
    });
    if (account.remaining >= needed) {
      if (waited) run.setWaiting(undefined);
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
    run.setWaiting(`${short}: waiting for a top-up, checking again in ${shortDuration(account.recheckMs)}`);
    await sleep(account.recheckMs, { summary: `account short (${account.remaining} of ${needed} credits): recheck in ${shortDuration(account.recheckMs)}` });
  }
}
