// Which ad an operator means, and whether it exists. The Web UI shows ads by
// their workflow id, `ad-<adId>`, so operators paste that; but an ad id may
// itself start with "ad-". The rule: the text given is an ad id if such an ad
// exists; only if none does, and it starts with "ad-", is it read as a
// workflow id and the prefix dropped (when that ad exists). So an ad named
// "ad-x" is always reachable by its own id, and pasting its workflow id
// "ad-ad-x" reaches it too.
import { isGrpcDeadlineError, type Client } from '@temporalio/client';
import { describeLastRun, type LastRunDescription } from '../../starter/lastRun';
import { AdNotFoundError } from '../../starter/errors';
import { isFinishedStage, workflowIdForAd } from '../../workflows/ad/contract';
import { AdminError, AdminTimeoutError } from './adminActions';

const WORKFLOW_ID_PREFIX = workflowIdForAd('');
const LOOKUP_TIMEOUT_MS = 15_000;

/** An ad that exists, as Temporal describes its latest run. */
export interface FoundAd {
  adId: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  status: string;
  running: boolean;
  /** The ad's stage while it runs; how it ended once it has (done, failed, cancelled, terminated, timed out). */
  standing: string;
}

/** How a run ended, in the words the stages use, for a run that has. */
const ENDED: Record<string, string> = { COMPLETED: 'done', FAILED: 'failed', CANCELLED: 'cancelled', TERMINATED: 'terminated', TIMED_OUT: 'timed out' };

function standingOf(run: LastRunDescription): string {
  if (run.status === 'RUNNING') return run.stage ?? 'creating';
  // A finished run's last stage says best how it ended; a terminated or timed-out one stopped mid-stage.
  if (run.stage && isFinishedStage(run.stage) && run.status !== 'TERMINATED' && run.status !== 'TIMED_OUT') return run.stage;
  return ENDED[run.status] ?? run.status.toLowerCase();
}

/** The ad with this id, or undefined when there is none (reads Temporal only: no worker needed). */
export async function findAd(client: Client, adId: string): Promise<FoundAd | undefined> {
  try {
    const run = await client.withDeadline(Date.now() + LOOKUP_TIMEOUT_MS, () => describeLastRun(client, adId));
    return { adId, workflowId: run.workflowId, status: run.status, running: run.status === 'RUNNING', standing: standingOf(run) };
  } catch (err) {
    if (err instanceof AdNotFoundError) return undefined;
    if (isGrpcDeadlineError(err)) throw new AdminTimeoutError('looking up the ad', LOOKUP_TIMEOUT_MS, 'is Temporal reachable and answering?');
    throw err;
  }
}

/**
 * The ad id meant by `given`: itself when that ad exists; else, for
 * "ad-<id>" naming an existing ad's workflow, <id>. Throws AdNotFoundError
 * (or AdminError, naming both readings) when neither exists.
 */
export async function resolveAdId(client: Client, given: string): Promise<string> {
  if (await findAd(client, given)) return given;
  if (!given.startsWith(WORKFLOW_ID_PREFIX) || given.length === WORKFLOW_ID_PREFIX.length) throw new AdNotFoundError(given);
  const stripped = given.slice(WORKFLOW_ID_PREFIX.length);
  if (await findAd(client, stripped)) return stripped;
  throw new AdminError(`no ad with id "${given}", nor with id "${stripped}" (whose workflow id "${given}" would be)`);
}
