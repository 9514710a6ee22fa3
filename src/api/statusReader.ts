// The status of a closed ad workflow never changes, but answering its query
// makes a worker fetch and replay the whole history (about 100 ms here, and
// worker CPU). So the last status of a closed run is kept, checked against a
// cheap describe (same run, still closed: a reset starts a new run) before it
// is served again. Running ads are queried as before, with no extra call.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { getAdHandle } from '../starter/adHandle';
import { isFinishedStage, workflowIdForAd, type AdStatus } from '../workflows/messages';

export interface StatusReader {
  status(adId: string): Promise<AdStatus>;
}

export function createStatusReader(client: Client, options: { capacity?: number } = {}): StatusReader {
  const capacity = options.capacity ?? 1_000;
  const closed = new Map<string, { runId: string; status: AdStatus }>();

  /** The run id when the ad's latest run is closed; undefined while it runs (or when it is gone: the query then says 404). */
  const closedRun = async (adId: string): Promise<string | undefined> => {
    try {
      const description = await client.workflow.getHandle(workflowIdForAd(adId)).describe();
      return description.status.name === 'RUNNING' ? undefined : description.runId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };

  return {
    async status(adId) {
      const kept = closed.get(adId);
      if (kept) {
        if ((await closedRun(adId)) === kept.runId) return kept.status;
        closed.delete(adId);
      }
      const handle = getAdHandle(client, adId);
      const status = await handle.status();
      if (!isFinishedStage(status.stage)) return status;
      // A finished stage may still see its webhook's outcome recorded; only a closed run's status is final, so it is read again once closed.
      const runId = await closedRun(adId);
      if (!runId) return status;
      const final = await handle.status();
      // Oldest out first: a Map iterates in insertion order.
      if (closed.size >= capacity) closed.delete(closed.keys().next().value!);
      closed.set(adId, { runId, status: final });
      return final;
    },
  };
}
