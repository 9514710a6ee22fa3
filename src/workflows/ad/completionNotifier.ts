// The completion webhook, sent once the ad has ended (done, failed or
// cancelled) when it was started with a `notifyUrl`. One activity sends it;
// Temporal retries that activity for up to a day. Its outcome shows in the
// status and never changes the ad's own: the workflow returns its result (or
// fails with its own failure) after the webhook was delivered or given up.
import { patched, TemporalFailure, workflowInfo } from '@temporalio/workflow';
import { asAdFailure } from './failures';
import { FAILURE_TYPES } from '../shared/failures';
import { notifyUrlProblem } from '../shared/inputRules';
import type { AdFinishedNotification } from './contract';
import { failureCause } from '../shared/outageRetry';
import { urlHost } from '../shared/shortText';
import type { AdRun } from './run';

/** Histories recorded before the webhook existed never reach a notifyAdFinished call. */
export const NOTIFY_FINISHED_PATCH = 'notify-finished';

/**
 * The webhook-id: the same on every attempt and in every run of this ad (the
 * first run's id survives continue-as-new), new when a failed ad is retried
 * under its own id (that is another ending, worth its own notification).
 */
export function webhookIdFor(adId: string, firstRunId: string): string {
  return `msg_${adId}_${firstRunId}`;
}

export class CompletionNotifier {
  constructor(private readonly run: AdRun) {}

  async notify(url: string | undefined, stage: 'done' | 'failed' | 'cancelled', err?: unknown): Promise<void> {
    if (url === undefined || notifyUrlProblem(url) !== undefined || !patched(NOTIFY_FINISHED_PATCH)) return;
    const { state } = this.run;
    const webhookId = webhookIdFor(state.adId, workflowInfo().firstExecutionRunId);
    const notification: AdFinishedNotification = {
      type: 'ad.finished',
      timestamp: new Date(Date.now()).toISOString(),
      data: { adId: state.adId, stage, ...(state.result && { result: state.result }), ...(stage !== 'done' && { error: this.errorOf(stage, err) }) },
    };
    state.notification = { url, state: 'pending', webhookId };
    this.run.refresh();
    try {
      await this.run.acts.notifies(`notify ${urlHost(url)}: ad ${stage}`).notifyAdFinished({ url, webhookId, notification });
      state.notification = { url, state: 'delivered', webhookId };
    } catch (failure) {
      // A bug fails the workflow task (retried once fixed); any Temporal failure is the webhook's alone.
      if (!(failure instanceof TemporalFailure)) throw failure;
      state.notification = { url, state: 'failed', webhookId, error: failureCause(failure).message };
    } finally {
      this.run.refresh();
    }
  }

  private errorOf(stage: 'failed' | 'cancelled', err: unknown): { type: string; message: string } {
    if (stage === 'cancelled') return { type: FAILURE_TYPES.adCancelled, message: this.run.state.lastError ?? 'cancelled' };
    const failure = asAdFailure(err);
    return { type: failure.type ?? 'AdFailed', message: failure.message };
  }
}
