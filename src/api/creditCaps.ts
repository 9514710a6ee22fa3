// The server's credit caps (API_MAX_CREDITS_PER_AD, API_MAX_CREDITS_PER_CAMPAIGN):
// a request without a budget runs under the cap; a request whose budget is above
// it is refused (422 naming the field and the cap) before anything is stored or started.
import { ApiError } from './errors';

export interface CreditCaps {
  /** The most `maxCredits` an ad (or a campaign's `ads.maxCredits`) may have. */
  perAd?: number;
  /** The most `budgetCredits` a campaign may have. */
  perCampaign?: number;
}

export const CAP_SETTINGS = { perAd: 'API_MAX_CREDITS_PER_AD', perCampaign: 'API_MAX_CREDITS_PER_CAMPAIGN' } as const;

/**
 * The budget a request runs under: its own when within the cap, the cap when it gave none.
 * A value that is not a number is returned as it is, for the request's own check to name.
 */
export function cappedBudget(value: unknown, cap: number | undefined, field: string, setting: string): unknown {
  if (cap === undefined) return value;
  if (value === undefined || value === null) return cap;
  if (typeof value === 'number' && value > cap) {
    throw new ApiError(422, 'Unprocessable', `${field} ${value} is above the server's cap ${setting}=${cap}`, field);
  }
  return value;
}
