// The campaign's activities: what it asks Vidu about the account.
import type { AccountSnapshot, CampaignActivities } from '../workflows/campaign/activityContract';
import type { ActivityDeps } from './deps';
import { readFailure } from './viduFailures';

export function campaignActivities(deps: Pick<ActivityDeps, 'vidu'>): CampaignActivities {
  return {
    async readAccount(): Promise<AccountSnapshot> {
      try {
        const account = await deps.vidu.getCredits();
        return {
          concurrencyLimit: account.concurrency_limit,
          currentConcurrency: account.current_concurrency,
          queueCount: account.queue_count,
          remainingCredits: account.remains.reduce((sum, r) => sum + r.credit_remain, 0),
        };
      } catch (err) {
        throw readFailure(err);
      }
    },
  };
}
