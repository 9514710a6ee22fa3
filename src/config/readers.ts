// Readers of single settings: each takes the environment and a setting's
// name, returns the value with its default, or throws a ConfigError naming
// the setting and its rule.
import path from 'node:path';
import { ConfigError, type Env } from './errors';

/** A setting's trimmed value; undefined when unset or blank. */
export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** An absolute http(s) URL setting without trailing slashes; undefined when unset and no fallback. */
export function httpUrl(env: Env, name: string, fallback?: string): string | undefined {
  const value = text(env, name) ?? fallback;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must use http or https (got "${url.protocol}")`);
  }
  return value.replace(/\/+$/, '');
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevel(env: Env): LogLevel {
  const raw = text(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${raw}")`);
  return raw as LogLevel;
}

/** A port that can be switched off: unset gives the default, `off` or an empty value turns it off. */
export function optionalPort(env: Env, name: string, fallback: number): number | undefined {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '' || raw.trim().toLowerCase() === 'off') return undefined;
  return integer(env, name, fallback, 0, 65535);
}

export function flag(env: Env, name: string): boolean {
  const raw = text(env, name);
  if (raw === undefined) return false;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

export function optionalCap(env: Env, name: string): number | undefined {
  return text(env, name) === undefined ? undefined : integer(env, name, 0, 1, 100_000_000);
}

const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

export function webhookSecret(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !WEBHOOK_SECRET_PATTERN.test(value)) {
    throw new ConfigError(name, 'must be "whsec_" followed by base64 of at least 24 random bytes');
  }
  return value;
}

export function jsFilePath(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!value.endsWith('.js')) throw new ConfigError(name, `must name a .js file made by \`npm run build\` (got "${value}")`);
  return path.resolve(value);
}
