// The `--port` flags of the command lines, read with one rule.
import { ConfigError } from '../config';

/** A `--port`-style flag: a TCP port, or a one-line error naming the flag (runMain prints it). */
export function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65_535) {
    throw new ConfigError(`--${flag}`, `must be a port number from 1 to 65535 (got "${value}")`);
  }
  return port;
}
