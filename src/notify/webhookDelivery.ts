// Delivering one completion webhook: where it may go, how the receiver's
// answer is read, and the POST itself. Retrying is Temporal's job (the
// notifyAdFinished activity's retry policy); this file only says which
// answers are worth another try, following Standard Webhooks' advice: any
// 2xx delivers, 408 / 429 / 5xx and network failures are passing, every other
// answer is final (a 3xx too: redirects are not followed, so a signed
// notification never lands somewhere the URL's owner did not name).
import { isIP } from 'node:net';
import { fetch, type Agent } from 'undici';
import { classifyAddress, guardedAgent, guardedLookup, OutboundAddressError, type OutboundPolicy } from './outboundGuard';
import { webhookHeaders } from './standardWebhooks';

/** The setting that lets notifications go to private and loopback hosts (local testing). */
export const NOTIFY_ESCAPE_SETTING = 'NOTIFY_ALLOW_PRIVATE_HOSTS';

function notifyPolicy(allowPrivateHosts: boolean): OutboundPolicy {
  return { what: 'notifyUrl', escapeSetting: NOTIFY_ESCAPE_SETTING, allowPrivateHosts };
}

/** A notify host that is, or resolves to, an address other than global unicast (the older name of OutboundAddressError). */
export const PrivateAddressError = OutboundAddressError;
export type PrivateAddressError = OutboundAddressError;

/** dns.lookup that refuses every answer but global unicast ones: used at connect time, so DNS cannot swap a public name for an internal address later. */
export const publicOnlyLookup = guardedLookup(notifyPolicy(false));

/** Connections for notifications: global unicast addresses only, unless private hosts are allowed. Its own undici agent, never the global dispatcher. */
const agents = new Map<boolean, Agent>();
function notifyAgent(allowPrivateHosts: boolean): Agent {
  let agent = agents.get(allowPrivateHosts);
  if (!agent) {
    agent = guardedAgent(notifyPolicy(allowPrivateHosts));
    agents.set(allowPrivateHosts, agent);
  }
  return agent;
}

export type DeliveryVerdict = 'delivered' | 'retry' | 'give-up';

export function verdictFor(status: number): DeliveryVerdict {
  if (status >= 200 && status <= 299) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'give-up';
}

/**
 * The range of a host that is an address literal other than global unicast, or
 * a `localhost` name; undefined for the others (names are judged when connecting).
 */
function literalRange(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(address) === 0) return undefined;
  const found = classifyAddress(address);
  return found.globalUnicast ? undefined : found.range;
}

/** Why the worker refuses to send to `url`, if it does: not http(s), or an address literal that is not global unicast when private hosts are not allowed. */
export function notifyTargetProblem(url: string, allowPrivateHosts: boolean): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'notifyUrl: must be an absolute http(s) URL';
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'notifyUrl: must be an absolute http(s) URL';
  if (allowPrivateHosts) return undefined;
  const range = literalRange(target.hostname);
  if (range !== undefined) {
    return `notifyUrl: must be a public http(s) URL (${target.hostname} is a private or loopback address: range "${range}", not global unicast; set ${NOTIFY_ESCAPE_SETTING}=true to allow it)`;
  }
  return undefined;
}

export interface PostWebhookOptions {
  secret: string;
  /** Whether the host may resolve to a private or loopback address (NOTIFY_ALLOW_PRIVATE_HOSTS). */
  allowPrivateHosts: boolean;
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
    dispatcher: notifyAgent(options.allowPrivateHosts),
  });
  // The answer's body means nothing to us; dropping it frees the connection.
  await response.body?.cancel().catch(() => undefined);
  return response.status;
}
