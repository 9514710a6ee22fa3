// Delivering one completion webhook: where it may go, how the receiver's
// answer is read, and the POST itself. Retrying is Temporal's job (the
// notifyAdFinished activity's retry policy); this file only says which
// answers are worth another try, following Standard Webhooks' advice: any
// 2xx delivers, 408 / 429 / 5xx and network failures are passing, every other
// answer is final (a 3xx too: redirects are not followed, so a signed
// notification never lands somewhere the URL's owner did not name).
import { isPrivateHost } from '../vidu/requestValidation';
import { webhookHeaders } from './standardWebhooks';

export type DeliveryVerdict = 'delivered' | 'retry' | 'give-up';

export function verdictFor(status: number): DeliveryVerdict {
  if (status >= 200 && status <= 299) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'give-up';
}

/** Why the worker refuses to send to `url`, if it does: not http(s), or a private or loopback host when those are not allowed. */
export function notifyTargetProblem(url: string, allowPrivateHosts: boolean): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'notifyUrl: must be an absolute http(s) URL';
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'notifyUrl: must be an absolute http(s) URL';
  if (!allowPrivateHosts && isPrivateHost(target.hostname)) {
    return `notifyUrl: must be a public http(s) URL (${target.hostname} is a private or loopback address; set NOTIFY_ALLOW_PRIVATE_HOSTS=true to allow it)`;
  }
  return undefined;
}

export interface PostWebhookOptions {
  secret: string;
  webhookId: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** POSTs the signed body once and answers the receiver's status; network failures throw. */
export async function postWebhook(url: string, body: string, options: PostWebhookOptions): Promise<number> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'vidu-ad-orchestrator', ...webhookHeaders(options.secret, options.webhookId, body) },
    body,
    redirect: 'manual',
    signal,
  });
  // The answer's body means nothing to us; dropping it frees the connection.
  await response.body?.cancel().catch(() => undefined);
  return response.status;
}
