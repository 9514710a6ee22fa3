// The request id of an operator command. An operator whose command timed out
// runs it again; that second run must be recognised as the same request, or a
// second edit is paid for. So without --request-id the id is derived from
// what the command says (ad, command, arguments): the same command gives the
// same id, and the ad answers it with its first answer. A deliberately
// identical second request needs a new --request-id.
import { createHash } from 'node:crypto';
import { REQUEST_ID_PATTERN } from '../../workflows/ad/contract';
import { REQUEST_ID_RULE } from '../../starter/requestIds';
import { UsageError } from './cliSupport';

/** `admin-<command>-<32 hex>`: sha256 of the ad id, the command and its arguments (unset ones left out, keys sorted). */
export function derivedRequestId(adId: string, command: string, args: Record<string, string | number | boolean | undefined>): string {
  const named = Object.keys(args)
    .sort()
    .filter((key) => args[key] !== undefined)
    .map((key) => [key, args[key]]);
  const digest = createHash('sha256').update(JSON.stringify([adId, command, named])).digest('hex');
  return `admin-${command}-${digest.slice(0, 32)}`;
}

/** The --request-id the operator gave (checked), else the one derived from the command. */
export function commandRequestId(given: string | boolean | undefined, adId: string, command: string, args: Record<string, string | number | boolean | undefined>): string {
  if (given === undefined) return derivedRequestId(adId, command, args);
  if (typeof given !== 'string' || !REQUEST_ID_PATTERN.test(given)) throw new UsageError(`--request-id: ${REQUEST_ID_RULE} (got "${String(given)}")`);
  return given;
}
