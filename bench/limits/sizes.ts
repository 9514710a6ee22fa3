// The sizes of the limits benchmark: `--quick` (under 3 minutes on 2 cores)
// and the full run. Flags can change each (see bench/run.ts).
export interface LimitsSizes {
  /** Rounds of ads and of baseline workflows, alternating. */
  rounds: number;
  /** Ads (and baseline workflows) started at once per round. */
  roundSize: number;
  /** The steady stream: the most ads started per second (it runs at half the measured ads/s), and for how long. */
  steadyAdsPerSecond: number;
  steadySeconds: number;
  /** Ads started at once against the simulator's 5-task account limit. */
  accountLimitAds: number;
  /** Variants of the campaign run under a budget (products x 3 aspect ratios x 2 languages). */
  campaignVariants: number;
  /** Ads left waiting for their callbacks while the worker's memory is measured. */
  parkedAds: number;
  /** Ads whose callbacks are all lost, and the length of their Vidu task in (unscaled) minutes. */
  lostCallbackAds: number;
  lostCallbackTaskMinutes: number;
  /** Ads created with `images` images of `imageBytes` each, started at once. */
  imageAds: number;
  images: number;
  imageBytes: number;
}

export const QUICK_SIZES: LimitsSizes = {
  rounds: 2,
  roundSize: 50,
  steadyAdsPerSecond: 10,
  steadySeconds: 10,
  accountLimitAds: 200,
  campaignVariants: 30,
  parkedAds: 300,
  lostCallbackAds: 5,
  lostCallbackTaskMinutes: 4,
  imageAds: 5,
  images: 7,
  imageBytes: 1_000_000,
};

export const FULL_SIZES: LimitsSizes = {
  rounds: 4,
  roundSize: 100,
  steadyAdsPerSecond: 10,
  steadySeconds: 30,
  accountLimitAds: 1000,
  campaignVariants: 300,
  parkedAds: 2000,
  lostCallbackAds: 20,
  lostCallbackTaskMinutes: 10,
  imageAds: 10,
  images: 7,
  imageBytes: 1_000_000,
};
