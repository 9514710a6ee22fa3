// Errors the starter and the ad handle raise, each with a one-line message an
// operator can act on.

export interface InputIssue {
  /** The request field, as the caller spelled it: `images[2]`, `aspectRatio`, `edits[0].prompt`. */
  field: string;
  rule: string;
}

/** The ad request broke a rule; nothing was stored, started or spent. */
export class AdInputError extends Error {
  override readonly name = 'AdInputError';
  constructor(readonly issues: InputIssue[]) {
    super(`invalid ad request: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
  }
}

/** No workflow exists for this ad id (or it is past the namespace's retention). */
export class AdNotFoundError extends Error {
  override readonly name = 'AdNotFoundError';
  constructor(readonly adId: string) {
    super(`no ad with id "${adId}"`);
  }
}

/** The ad's workflow refused a request (an update validator said no, or the ad has finished). */
export class AdRequestRejectedError extends Error {
  override readonly name = 'AdRequestRejectedError';
  constructor(
    readonly adId: string,
    readonly reason: string,
  ) {
    super(`ad "${adId}" rejected the request: ${reason}`);
  }
}

/** Why `retryAd` would not start the ad again. */
export type RetryRefusal = 'running' | 'done' | 'unknown-create-unacknowledged' | 'task-id-unknown';

/**
 * `retryAd` did not start anything: the ad is running or done, its last create
 * may have made a task that Vidu bills (and the caller did not acknowledge
 * that), or its earlier task succeeded but cannot be named.
 */
export class AdRetryRefusedError extends Error {
  override readonly name = 'AdRetryRefusedError';
  constructor(
    readonly adId: string,
    readonly refusal: RetryRefusal,
    readonly reason: string,
  ) {
    super(`ad "${adId}" was not retried: ${reason}`);
  }
}
