// Sends the completion webhook to the ad's notifyUrl, signed per Standard
// Webhooks with the worker's secret. The same webhook-id goes out on every
// attempt (the workflow chose it), so the receiver can drop repeats. Temporal
// retries passing failures with backoff for as long as the workflow's retry
// policy allows; a final answer, a refused host or a missing secret ends it.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { outboundRefusalIn } from '../notify/outboundGuard';
import { notifyTargetProblem, postWebhook, verdictFor } from '../notify/webhookDelivery';
import type { NotifyAdFinishedInput, NotifyOutcome } from '../workflows/ad/activityContract';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

const DEFAULT_NOTIFY_TIMEOUT_MS = 15_000;

export const NOTIFY_FAILURES = {
  /** The worker has no NOTIFY_SIGNING_SECRET: nothing can be signed. */
  secretMissing: 'NotifySecretMissing',
  /** The notifyUrl is not one the worker sends to (not http(s), or a host that is or resolves to an address other than global unicast). */
  targetRefused: 'NotifyTargetRefused',
  /** The receiver answered with a final refusal (a 4xx other than 408 and 429, or a redirect). */
  rejected: 'NotifyRejected',
  /** A passing failure: 408, 429, 5xx or no answer. Temporal tries again. */
  notDelivered: 'NotifyNotDelivered',
} as const;

export function notifyAdFinishedActivity(deps: ActivityDeps) {
  return async function notifyAdFinished(input: NotifyAdFinishedInput): Promise<NotifyOutcome> {
    const context = Context.current();
    const secret = deps.notify?.signingSecret;
    if (!secret) {
      throw ApplicationFailure.create({
        type: NOTIFY_FAILURES.secretMissing,
        message: 'no signing secret: set NOTIFY_SIGNING_SECRET on the worker ("whsec_" and base64) to send completion webhooks',
        nonRetryable: true,
      });
    }
    const refused = notifyTargetProblem(input.url, deps.notify?.allowPrivateHosts ?? false);
    if (refused) throw ApplicationFailure.create({ type: NOTIFY_FAILURES.targetRefused, message: refused, nonRetryable: true });
    const body = JSON.stringify(input.notification);
    let status: number;
    try {
      status = await whileHeartbeating(postWebhook(input.url, body, { secret, allowPrivateHosts: deps.notify?.allowPrivateHosts ?? false, webhookId: input.webhookId, timeoutMs: deps.notify?.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS, signal: context.cancellationSignal }));
    } catch (err) {
      if (context.cancellationSignal.aborted) throw err;
      // A host that is not global unicast is final: retrying (for up to a day) cannot change where it points.
      const privateAddress = outboundRefusalIn(err);
      if (privateAddress) throw ApplicationFailure.create({ type: NOTIFY_FAILURES.targetRefused, message: privateAddress.message, nonRetryable: true });
      const why = err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
      throw ApplicationFailure.retryable(`no answer from the notify URL: ${why}`, NOTIFY_FAILURES.notDelivered);
    }
    const verdict = verdictFor(status);
    if (verdict === 'delivered') {
      deps.metrics?.webhookDelivered(input.notification.data.stage);
      context.log.info(`completion webhook delivered (HTTP ${status})`, { stage: input.notification.data.stage, webhookId: input.webhookId, status });
      return { status };
    }
    const message = `the notify URL answered HTTP ${status}`;
    if (verdict === 'retry') throw ApplicationFailure.retryable(message, NOTIFY_FAILURES.notDelivered);
    throw ApplicationFailure.create({ type: NOTIFY_FAILURES.rejected, message: `${message}: not retried`, details: [{ status }], nonRetryable: true });
  };
}
