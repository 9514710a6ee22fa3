// Reads the Vidu account's remaining credits (GET /ent/v2/credits) before an
// ad is created, and hands the workflow the worker's shortfall policy with
// it: the policy is operations' choice (ACCOUNT_CREDITS_SHORTFALL), not the
// ad's, so it lives in the worker's configuration.
import { Context } from '@temporalio/activity';
import { DEFAULT_ACCOUNT_RECHECK_MS } from '../config';
import type { AccountCredits, AccountCreditsInput } from '../workflows/ad/activityContract';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { readFailure } from './viduFailures';

export function accountCreditsActivity(deps: ActivityDeps) {
  return async function checkAccountCredits(input: AccountCreditsInput): Promise<AccountCredits> {
    const { cancellationSignal: signal } = Context.current();
    try {
      const account = await whileHeartbeating(deps.vidu.getCredits({ signal }));
      // Vidu lists its credit packages separately; what the account can spend is their sum.
      const remaining = account.remains.reduce((sum, r) => sum + r.credit_remain, 0);
      const policy = deps.accountShortfall ?? { onShortfall: 'wait', recheckMs: DEFAULT_ACCOUNT_RECHECK_MS };
      Context.current().log.debug(`Vidu account: ${remaining} credits left, ${input.needed} needed`, { remaining, needed: input.needed });
      return { remaining, ...policy };
    } catch (err) {
      throw readFailure(err);
    }
  };
}
