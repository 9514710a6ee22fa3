// The request id every operator request carries. The workflow remembers it and
// answers a repeat with the first answer (spending nothing more), and the ad
// handle passes it as the Temporal update id, so a retried update is matched
// to the first one even before the workflow sees it. Callers that may retry
// after losing an answer (a timeout, a crash) should choose the id themselves
// and reuse it; otherwise one is made up per call.
import { randomUUID } from 'node:crypto';
import { REQUEST_ID_RULE } from '../workflows/shared/inputRules';
import { REQUEST_ID_PATTERN } from '../workflows/ad/contract';
import { AdInputError } from './errors';

export { REQUEST_ID_RULE };

/** The caller's request id when it is well formed; a fresh one when there is none. Throws AdInputError for a malformed id. */
export function requestIdFor(given: string | undefined): string {
  if (given === undefined) return randomUUID();
  if (typeof given !== 'string' || !REQUEST_ID_PATTERN.test(given)) {
    throw new AdInputError([{ field: 'requestId', rule: `${REQUEST_ID_RULE} (got ${JSON.stringify(given)})` }]);
  }
  return given;
}
