// Where the worker may connect when a URL comes from outside: a completion
// webhook's notifyUrl (the caller's) and the media URLs Vidu hands out, with
// every redirect they lead to. Only global unicast addresses pass, decided by
// allowlist: ipaddr.js names the range of each address (its `range()`), and
// only its 'unicast' is global; every other range it knows (private, loopback,
// link-local with the cloud metadata services, carrier-grade NAT, reserved,
// multicast, documentation, ...) is refused. IPv6 forms that carry an IPv4
// address are decided by that address (IPv4-mapped) or refused (IPv4-compatible,
// 6to4, Teredo, NAT64), so ::ffff:169.254.169.254 is the metadata service.
//
// The decision is made at connect time, on the addresses the connection will
// use: the undici dispatcher's `connect` classifies an address literal itself
// and hands names to a `lookup` that resolves them, classifies every address
// resolved, and refuses the connection unless all are global unicast. Nothing
// is resolved earlier, so a name that resolves to a public address when checked
// and to an internal one when used (DNS rebinding) has no window to pass through.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

/** What an address is: its range as ipaddr.js names it, and whether connecting to it is allowed. */
export interface AddressClass {
  address: string;
  /** ipaddr.js's range name ('unicast', 'private', 'linkLocal', ...), or for IPv6 forms carrying an IPv4 address e.g. 'ipv4Mapped linkLocal', 'ipv4Compatible'. */
  range: string;
  globalUnicast: boolean;
}

/** The first 96 bits of ::a.b.c.d are zero: the deprecated IPv4-compatible form (RFC 4291 2.5.5.1). */
function isIpv4Compatible(address: ipaddr.IPv6): boolean {
  return address.parts.slice(0, 6).every((part) => part === 0);
}

/** Classifies one IP address (IPv4 or IPv6, brackets and a zone allowed); throws on something that is not an address. */
export function classifyAddress(text: string): AddressClass {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return { address, range, globalUnicast: range === 'unicast' };
  }
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'ipv4Mapped') {
    const inner = v6.toIPv4Address().range();
    return { address, range: `ipv4Mapped ${inner}`, globalUnicast: inner === 'unicast' };
  }
  // :: and ::1 have ranges of their own; the rest of ::/96 is ipaddr.js's 'unicast' but carries an IPv4 address.
  if (range === 'unicast' && isIpv4Compatible(v6)) return { address, range: 'ipv4Compatible', globalUnicast: false };
  return { address, range, globalUnicast: range === 'unicast' };
}

/** A connection refused because the host is, or resolves to, an address that is not global unicast. */
export class OutboundAddressError extends Error {
  readonly code = 'OUTBOUND_ADDRESS_REFUSED';
  constructor(
    readonly what: string,
    readonly host: string,
    readonly address: string,
    readonly range: string,
    readonly escapeSetting: string,
  ) {
    const resolved = host === address ? `${host} is` : `${host} resolves to ${address},`;
    super(`${what}: ${resolved} an address in range "${range}", not a global unicast address; refused (set ${escapeSetting}=true to allow private and loopback hosts, for local testing)`);
    this.name = 'OutboundAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** dns.lookup's shape, always asked for every address (`all: true`). */
export type Resolver = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** dns.lookup, except that names under `.localhost` are loopback (RFC 6761) even where the system resolver does not know them. */
const systemResolver: Resolver = (hostname, callback) => {
  if (hostname.toLowerCase().replace(/\.$/, '').endsWith('.localhost')) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
  dnsLookup(hostname, { all: true, verbatim: true }, callback);
};

export interface OutboundPolicy {
  /** Names the URL in a refusal: "notifyUrl", "media url". */
  what: string;
  /** The setting that allows private hosts, named in a refusal (NOTIFY_ALLOW_PRIVATE_HOSTS, ...). */
  escapeSetting: string;
  /** Private and loopback hosts allowed too (the escape setting is on); every address passes then. */
  allowPrivateHosts: boolean;
  /** Hosts allowed whatever they resolve to, as "host:port" (the Vidu API's own origin, trusted by configuration). */
  trustedHosts?: readonly string[];
  /** Resolves names; dns.lookup unless a test injects one. */
  resolve?: Resolver;
}

/** The refusal for `address` reached as `host`, if it is not global unicast. */
export function refusalFor(policy: OutboundPolicy, host: string, address: string): OutboundAddressError | undefined {
  let found: AddressClass;
  try {
    found = classifyAddress(address);
  } catch {
    return new OutboundAddressError(policy.what, host, address, 'not an IP address', policy.escapeSetting);
  }
  return found.globalUnicast ? undefined : new OutboundAddressError(policy.what, host, address, found.range, policy.escapeSetting);
}

/** A `lookup` for net.connect that resolves, classifies every address, and fails unless all are global unicast. */
export function guardedLookup(policy: OutboundPolicy) {
  const resolve = policy.resolve ?? systemResolver;
  return function lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
    resolve(hostname, (err, resolved) => {
      if (err) return callback(err, []);
      // Every address, not only those of the family asked for: one internal answer taints the name.
      for (const { address } of resolved) {
        const refusal = refusalFor(policy, hostname, address);
        if (refusal) return callback(refusal, []);
      }
      const wanted = options.family === 4 || options.family === 6 ? resolved.filter((a) => a.family === options.family) : resolved;
      if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, wanted);
      return callback(null, wanted[0]!.address, wanted[0]!.family);
    });
  };
}

function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * undici's connector with the policy applied: an address literal is classified
 * here (net.connect never calls `lookup` for one), a name by `guardedLookup`.
 */
export function guardedConnector(policy: OutboundPolicy, options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const plain = buildConnector(options);
  if (policy.allowPrivateHosts) return plain;
  const guarded = buildConnector({ ...options, lookup: guardedLookup(policy) as never });
  const trusted = new Set(policy.trustedHosts ?? []);
  return (connectOptions, callback) => {
    const host = unbracketed(connectOptions.hostname);
    const port = connectOptions.port || (connectOptions.protocol === 'https:' ? '443' : '80');
    if (trusted.has(`${host.toLowerCase()}:${port}`)) return plain(connectOptions, callback);
    if (isIP(host) !== 0) {
      const refusal = refusalFor(policy, host, host);
      if (refusal) return callback(refusal, null);
    }
    return guarded(connectOptions, callback);
  };
}

/** An undici Agent that connects only as `policy` allows. Its own, never the global dispatcher. */
export function guardedAgent(policy: OutboundPolicy): Agent {
  return new Agent({ connect: guardedConnector(policy) });
}

/** "host:port" of an http(s) URL, as `trustedHosts` wants it; undefined for anything else. */
export function hostAndPort(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return `${unbracketed(parsed.hostname).toLowerCase()}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

/** The refusal behind a failed request, if that is why it failed (undici wraps connect errors in `cause`). */
export function outboundRefusalIn(err: unknown): OutboundAddressError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth += 1) {
    if (e instanceof OutboundAddressError) return e;
  }
  return undefined;
}
