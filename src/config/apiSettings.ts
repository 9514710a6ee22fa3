// The HTTP API's settings: named keys with roles (API_KEYS, API_KEYS_FILE,
// API_TOKENS), console sessions, abuse limits and credit caps.
import { readFileSync } from 'node:fs';
import { ConfigError, type Env, type Problems } from './errors';
import { integer, text } from './readers';

/** The roles a key may have; what each may do is the API's table (src/api/permissions.ts). */
export const ROLES = ['viewer', 'operator', 'service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** One API key: its name (shown in logs, statuses and refusals), its role and its secret token. */
export interface ApiKey {
  name: string;
  role: Role;
  token: string;
}

/** A key as the server knows it once a request has shown its token: name and role, never the token. */
export type SignedInKey = Pick<ApiKey, 'name' | 'role'>;

const API_TOKEN_PATTERN = /^[\x21-\x7e]{16,256}$/;
const API_TOKEN_RULE = '16-256 printable characters without spaces or commas';
const API_KEY_NAME_PATTERN = /^[\w.-]{1,64}$/;
const API_KEY_RULE = `must be <name>:<role>:<token>: a name of 1-64 letters, digits, "-", "_" or ".", a role (${ROLES.join(', ')}) and a token of ${API_TOKEN_RULE}`;

/** The server's credit caps (API_MAX_CREDITS_PER_AD, API_MAX_CREDITS_PER_CAMPAIGN); undefined: no cap. */
export interface ApiCreditCaps {
  perAd?: number;
  perCampaign?: number;
}

/** Console sessions (API_SESSION_IDLE_MS, API_SESSION_MAX_MS). */
export interface ApiSessionSettings {
  idleMs: number;
  maxMs: number;
}

/** The API's abuse limits (src/api/limits.ts). */
export interface ApiLimitSettings {
  authFailureLimit: number;
  authFailureWindowMs: number;
  requestTimeoutMs: number;
  maxStreamsPerKey: number;
  maxStreams: number;
  maxLargeBodies: number;
}

export function apiSessions(env: Env, problems: Problems): ApiSessionSettings {
  const idleMs = problems.read(1_800_000, () => integer(env, 'API_SESSION_IDLE_MS', 1_800_000, 60_000, 86_400_000));
  const maxMs = problems.read(43_200_000, () => integer(env, 'API_SESSION_MAX_MS', 43_200_000, 60_000, 30 * 86_400_000));
  if (idleMs > maxMs) problems.add(new ConfigError('API_SESSION_IDLE_MS', `must not be longer than API_SESSION_MAX_MS (${idleMs} > ${maxMs})`));
  return { idleMs, maxMs };
}

export function apiLimits(env: Env, problems: Problems): ApiLimitSettings {
  const read = problems.read.bind(problems);
  return {
    authFailureLimit: read(20, () => integer(env, 'API_AUTH_FAILURE_LIMIT', 20, 1, 10_000)),
    authFailureWindowMs: read(300_000, () => integer(env, 'API_AUTH_FAILURE_WINDOW_MS', 300_000, 1_000, 86_400_000)),
    requestTimeoutMs: read(120_000, () => integer(env, 'API_REQUEST_TIMEOUT_MS', 120_000, 1_000, 3_600_000)),
    maxStreamsPerKey: read(50, () => integer(env, 'API_MAX_STREAMS_PER_KEY', 50, 1, 100_000)),
    maxStreams: read(500, () => integer(env, 'API_MAX_STREAMS', 500, 1, 100_000)),
    maxLargeBodies: read(4, () => integer(env, 'API_MAX_LARGE_BODIES', 4, 1, 1_000)),
  };
}

function apiTokens(env: Env): string[] {
  const raw = text(env, 'API_TOKENS');
  if (raw === undefined) return [];
  const tokens = raw.split(',').map((t) => t.trim());
  tokens.forEach((token, index) => {
    if (!API_TOKEN_PATTERN.test(token)) {
      throw new ConfigError('API_TOKENS', `token ${index + 1} must be ${API_TOKEN_RULE}`);
    }
  });
  return tokens;
}

/**
 * One `<name>:<role>:<token>` entry; `where` names it in a refusal ("entry 2", "line 5").
 * The token may hold ":" (only the first two separate); a refusal never shows it.
 */
function apiKeyEntry(setting: string, where: string, entry: string): ApiKey {
  const first = entry.indexOf(':');
  const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
  if (second < 0) throw new ConfigError(setting, `${where} ${API_KEY_RULE}`);
  const name = entry.slice(0, first);
  const role = entry.slice(first + 1, second);
  const token = entry.slice(second + 1);
  if (!API_KEY_NAME_PATTERN.test(name)) throw new ConfigError(setting, `${where}: the name must be 1-64 letters, digits, "-", "_" or "." (${API_KEY_RULE})`);
  if (!isRole(role)) throw new ConfigError(setting, `${where} (key "${name}"): the role must be one of ${ROLES.join(', ')}`);
  if (!API_TOKEN_PATTERN.test(token)) throw new ConfigError(setting, `${where} (key "${name}"): the token must be ${API_TOKEN_RULE}`);
  return { name, role, token };
}

/** API_KEYS: comma-separated entries. */
function apiKeysFromList(env: Env): ApiKey[] {
  const raw = text(env, 'API_KEYS');
  if (raw === undefined) return [];
  return raw.split(',').map((entry, index) => apiKeyEntry('API_KEYS', `entry ${index + 1}`, entry.trim()));
}

/** API_KEYS_FILE: one entry a line; blank lines and lines starting with "#" are skipped. */
function apiKeysFromFile(env: Env): ApiKey[] {
  const file = text(env, 'API_KEYS_FILE');
  if (file === undefined) return [];
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('API_KEYS_FILE', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const keys: ApiKey[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) return;
    keys.push(apiKeyEntry('API_KEYS_FILE', `line ${index + 1}`, entry));
  });
  return keys;
}

/**
 * Every API key: API_KEYS, then API_KEYS_FILE, then API_TOKENS's bare tokens as admin keys
 * `token-<n>` (the older form). Two keys may share neither a name nor a token.
 */
export function apiKeys(env: Env, problems: Problems): ApiKey[] {
  const keys = [
    ...problems.read([], () => apiKeysFromList(env)),
    ...problems.read([], () => apiKeysFromFile(env)),
    ...problems.read([], () => apiTokens(env)).map((token, index): ApiKey => ({ name: `token-${index + 1}`, role: 'admin', token })),
  ];
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const key of keys) {
    if (names.has(key.name)) problems.add(new ConfigError('API_KEYS', `the name "${key.name}" is given to two keys; each key needs its own name`));
    else if (tokens.has(key.token)) problems.add(new ConfigError('API_KEYS', `key "${key.name}" has the same token as an earlier key; each key needs its own token`));
    names.add(key.name);
    tokens.add(key.token);
  }
  return keys;
}
