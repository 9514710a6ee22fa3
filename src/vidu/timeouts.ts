// How long a Vidu call or a media download may wait for an answer, and the
// one check of a caller's own timeout.

export const DEFAULT_TIMEOUT_MS = 30_000;

export function timeoutOption(value: number | undefined, fallback: number, name = 'timeoutMs'): number {
  const timeout = value ?? fallback;
  if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError(`${name} must be a positive number (got ${timeout})`);
  return timeout;
}
