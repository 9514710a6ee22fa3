// Vidu's published prices (docs/vidu-api.md, "Limits and prices") and the estimate of
// what each spending request costs. Estimates are rounded up and made before
// anything is sent: they are what a budget reserves. What Vidu finally
// charges (its final task report) settles the reservation.

export const PRICES = {
  /** An ad film: per second of video. */
  adPerSecond: 40,
  /** A storyboard edit: per second of that storyboard. */
  storyboardPerSecond: 40,
  /** A narration edit: per started 500 characters of narration. */
  narrationPer500Chars: 10,
  /** A background-music edit: per second of music (as long as the ad). */
  bgmPerSecond: 2,
  /** One compose call. */
  compose: 1,
} as const;

/** Vidu's default ad length when the request names none. */
export const DEFAULT_AD_SECONDS = 15;

/** One storyboard per about five seconds (Vidu splits a 15 s ad into 3). */
export function expectedStoryboards(adSeconds: number): number {
  return Math.max(1, Math.round(adSeconds / 5));
}

/** Vidu counts text in characters: code points, so an emoji is one. */
function characters(text: string): number {
  return [...text].length;
}

export type SpendRequest =
  | { kind: 'create'; adSeconds: number }
  | { kind: 'video'; adSeconds: number; storyboards: number }
  | { kind: 'narration'; prompt: string }
  | { kind: 'bgm'; adSeconds: number }
  | { kind: 'compose' };

/** The estimated cost of one request, in credits (whole, rounded up). */
export function estimateCredits(request: SpendRequest): number {
  switch (request.kind) {
    case 'create':
      return PRICES.adPerSecond * request.adSeconds;
    case 'video':
      // Storyboards share the ad's length; an uneven split may cost a little more (settlement shows it).
      return Math.ceil((PRICES.storyboardPerSecond * request.adSeconds) / Math.max(1, request.storyboards));
    case 'narration':
      return PRICES.narrationPer500Chars * Math.max(1, Math.ceil(characters(request.prompt) / 500));
    case 'bgm':
      return PRICES.bgmPerSecond * request.adSeconds;
    case 'compose':
      return PRICES.compose;
  }
}

/** How a refusal names the request: "this storyboard edit would cost about 200". */
export function describeSpend(request: SpendRequest): string {
  switch (request.kind) {
    case 'create':
      return `create of a ${request.adSeconds} s ad`;
    case 'video':
      return 'storyboard edit';
    case 'narration':
      return 'narration edit';
    case 'bgm':
      return 'music edit';
    case 'compose':
      return 'compose';
  }
}

/** What an ad reserves before its create: the create and one compose (so that edits never leave too little to compose). */
export function adStartCredits(adSeconds: number): { create: number; compose: number; total: number } {
  const create = estimateCredits({ kind: 'create', adSeconds });
  const compose = estimateCredits({ kind: 'compose' });
  return { create, compose, total: create + compose };
}
