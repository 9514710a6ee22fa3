// Console sessions and one-time sign-in codes. The session cookie holds an
// opaque random id; the API keeps what it stands for (the key's name and
// role, never its token) with an idle and an absolute expiry, and signing out
// forgets it, so a copied cookie stops working at once. A sign-in code is a
// random secret the server hands out (the demo prints it in a link) that is
// exchanged once, within minutes, for a session.
//
// Both live in this process's memory: one API process, or several behind a
// load balancer with sticky sessions. `SessionStore` is the seam for a shared
// store (the API only calls these methods).
import { createHash, randomBytes } from 'node:crypto';
import type { SignedInKey } from './permissions';

export interface SessionStore {
  /** Starts a session for `key`; answers its id (the cookie's value). */
  create(key: SignedInKey): string;
  /** The key of a live session, which counts as activity (its idle expiry starts again); undefined when unknown or expired. */
  get(id: string | undefined): SignedInKey | undefined;
  /** Ends a session; true when there was one. */
  end(id: string | undefined): boolean;
  /** Live sessions (for tests and metrics). */
  size(): number;
  close(): void;
}

export interface SessionSettings {
  /** A session unused for this long ends (API_SESSION_IDLE_MS). Default 30 min. */
  idleMs?: number;
  /** A session ends this long after sign-in, however busy (API_SESSION_MAX_MS). Default 12 h. */
  maxMs?: number;
  /** At most this many live sessions; the oldest ends when a new one would go past it. Default 10,000. */
  maxSessions?: number;
  /** At most this many live sessions of one key (its oldest ends first), so that one key signing in again and again cannot push everyone else's sessions out. Default 1,000. */
  maxSessionsPerKey?: number;
}

export const SESSION_DEFAULTS = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000, maxSessions: 10_000, maxSessionsPerKey: 1_000 } as const;

/** Sessions and codes are kept by the digest of their secret: the map never holds a usable cookie or code. */
function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** 32 random bytes, base64url: 43 characters nobody can guess. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

interface Session {
  key: SignedInKey;
  createdAt: number;
  lastSeenAt: number;
}

export function createMemorySessionStore(settings: SessionSettings = {}, now: () => number = Date.now): SessionStore {
  const idleMs = settings.idleMs ?? SESSION_DEFAULTS.idleMs;
  const maxMs = settings.maxMs ?? SESSION_DEFAULTS.maxMs;
  const maxSessions = settings.maxSessions ?? SESSION_DEFAULTS.maxSessions;
  const maxSessionsPerKey = settings.maxSessionsPerKey ?? SESSION_DEFAULTS.maxSessionsPerKey;
  if (!(idleMs > 0 && maxMs > 0 && maxSessions > 0 && maxSessionsPerKey > 0)) throw new Error('sessions: idleMs, maxMs, maxSessions and maxSessionsPerKey must be positive');
  // Insertion order is sign-in order: the first entry is the oldest session.
  const sessions = new Map<string, Session>();
  const expired = (session: Session, at: number) => at - session.lastSeenAt >= idleMs || at - session.createdAt >= maxMs;
  const sweep = () => {
    const at = now();
    for (const [id, session] of sessions) if (expired(session, at)) sessions.delete(id);
  };
  // Expired sessions are dropped when next used; the sweep frees those nobody comes back to.
  const sweeper = setInterval(sweep, Math.min(idleMs, 60_000));
  sweeper.unref();
  return {
    create(key) {
      const id = newSecret();
      const at = now();
      const own = [...sessions].filter(([, session]) => session.key.name === key.name);
      for (const [hashed] of own.slice(0, Math.max(0, own.length - maxSessionsPerKey + 1))) sessions.delete(hashed);
      while (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value!);
      sessions.set(digest(id), { key: { name: key.name, role: key.role }, createdAt: at, lastSeenAt: at });
      return id;
    },
    get(id) {
      if (typeof id !== 'string' || !SECRET_PATTERN.test(id)) return undefined;
      const hashed = digest(id);
      const session = sessions.get(hashed);
      if (!session) return undefined;
      const at = now();
      if (expired(session, at)) {
        sessions.delete(hashed);
        return undefined;
      }
      session.lastSeenAt = at;
      return session.key;
    },
    end(id) {
      if (typeof id !== 'string' || !SECRET_PATTERN.test(id)) return false;
      return sessions.delete(digest(id));
    },
    size: () => {
      sweep();
      return sessions.size;
    },
    close: () => clearInterval(sweeper),
  };
}

/** One-time sign-in codes: `issue` hands one out, `redeem` answers its key once, before it expires. */
export interface SignInCodes {
  issue(key: SignedInKey, ttlMs?: number): string;
  redeem(code: string | undefined): SignedInKey | undefined;
}

/** How long a sign-in code works by default: a few minutes. */
export const SIGN_IN_CODE_TTL_MS = 5 * 60_000;

export function createSignInCodes(defaultTtlMs: number = SIGN_IN_CODE_TTL_MS, now: () => number = Date.now): SignInCodes {
  const codes = new Map<string, { key: SignedInKey; expiresAt: number }>();
  return {
    issue(key, ttlMs = defaultTtlMs) {
      if (!(ttlMs > 0)) throw new Error('sign-in code: ttlMs must be positive');
      const at = now();
      for (const [hashed, entry] of codes) if (entry.expiresAt <= at) codes.delete(hashed);
      const code = newSecret();
      codes.set(digest(code), { key: { name: key.name, role: key.role }, expiresAt: at + ttlMs });
      return code;
    },
    redeem(code) {
      if (typeof code !== 'string' || !SECRET_PATTERN.test(code)) return undefined;
      const hashed = digest(code);
      const entry = codes.get(hashed);
      // Used once: gone whether it was still good or not.
      codes.delete(hashed);
      return entry && entry.expiresAt > now() ? entry.key : undefined;
    },
  };
}
