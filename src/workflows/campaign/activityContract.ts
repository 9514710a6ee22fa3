// The campaign workflow's activities (src/activities/campaign.ts implements them).

export interface AccountSnapshot {
  /** Tasks Vidu runs at once for this organisation; the rest queue. */
  concurrencyLimit: number;
  currentConcurrency: number;
  queueCount: number;
  /** Credits left, over every credit type. */
  remainingCredits: number;
}

export interface CampaignActivities {
  readAccount(): Promise<AccountSnapshot>;
}
