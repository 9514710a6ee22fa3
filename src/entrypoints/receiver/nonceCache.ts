// Remembers the nonces of callbacks this receiver copy has already delivered,
// so a replayed request is acknowledged and dropped before its body is even
// read. It is only a first, cheap filter: per process and in memory on purpose
// (the receiver stays stateless), so a replay that reaches another copy, or
// this one after a restart, gets through. Replay protection that holds across
// copies is the workflow's: every signal carries its nonce, and the workflow
// ignores a nonce it has already seen.

export interface NonceCacheOptions {
  /** How long a nonce is remembered; at least the whole window in which its Date is accepted. */
  ttlMs: number;
  /** Bounds memory under a flood; the oldest nonces are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

export class NonceCache {
  // Entries are inserted in expiry order (the TTL is fixed), so the oldest sits first.
  private readonly expiries = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: NonceCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  has(nonce: string): boolean {
    this.prune();
    return this.expiries.has(nonce);
  }

  remember(nonce: string): void {
    this.prune();
    this.expiries.delete(nonce);
    this.expiries.set(nonce, this.now() + this.ttlMs);
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value as string;
      this.expiries.delete(oldest);
    }
  }

  get size(): number {
    return this.expiries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [nonce, expiresAt] of this.expiries) {
      if (expiresAt > now) break;
      this.expiries.delete(nonce);
    }
  }
}
