// Delivering one completion webhook: where it may go, how the receiver's
// answer is read, and the POST itself. Retrying is Temporal's job (the
// notifyAdFinished activity's retry policy); this file only says which
// answers are worth another try, following Standard Webhooks' advice: any
// 2xx delivers, 408 / 429 / 5xx and network failures are passing, every other
// answer is final (a 3xx too: redirects are not followed, so a signed
// notification never lands somewhere the URL's owner did not name).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, fetch } from 'undici';
import { isPrivateHost } from '../vidu/requestValidation';
import { webhookHeaders } from './standardWebhooks';

/** A notify host whose name resolves to a private or loopback address (a public name can point anywhere). */
export class PrivateAddressError extends Error {
  readonly code = 'NOTIFY_PRIVATE_ADDRESS';
  constructor(hostname: string, address: string) {
    super(`notifyUrl: ${hostname} resolves to ${address}, a private or loopback address (set NOTIFY_ALLOW_PRIVATE_HOSTS=true to allow it)`);
    this.name = 'PrivateAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that refuses private and loopback answers: checked at connect time, so DNS cannot swap a public name for an internal address later. */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.find((a) => isPrivateHost(a.address));
    if (refused) return callback(new PrivateAddressError(hostname, refused.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
}

/** Connections for notifications: public addresses only, unless private hosts are allowed. Its own undici agent, never the global dispatcher. */
const agents = new Map<boolean, Agent>();
function notifyAgent(allowPrivateHosts: boolean): Agent {
  let agent = agents.get(allowPrivateHosts);
  if (!agent) {
    agent = new Agent(allowPrivateHosts ? {} : { connect: { lookup: publicOnlyLookup as never } });
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
