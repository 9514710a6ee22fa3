// The status of a closed ad workflow never changes, but answering its query
// makes a worker fetch and replay the whole history (about 100 ms here, and
// worker CPU). So a closed run is queried once and its status kept, checked
// against a cheap describe (same run, still closed: a reset starts a new run)
// before it is served again. An ad not known to be running is described
// first, so its query is already the final one when the run has closed; an ad
// last seen running (the event streams' pollers read those every 500 ms) is
// queried alone, with no extra call.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { getAdHandle } from '../starter/adHandle';
import { isFinishedStage, workflowIdForAd, type AdStatus } from '../workflows/ad/contract';

export interface StatusReader {
  status(adId: string): Promise<AdStatus>;
}

export function createStatusReader(client: Client, options: { capacity?: number } = {}): StatusReader {
  const capacity = options.capacity ?? 1_000;
  const closed = new Map<string, { runId: string; status: AdStatus }>();
  /** Ads whose last status had a stage still going on. */
  const running = new Set<string>();

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

  /** Adds to a bounded memory, oldest out first (a Map or Set iterates in insertion order). */
  const remember = <K>(memory: Map<K, unknown> | Set<K>, key: K, add: () => void) => {
    memory.delete(key);
    if (memory.size >= capacity) memory.delete(memory.keys().next().value!);
    add();
  };

  return {
    async status(adId) {
      const handle = getAdHandle(client, adId);
      if (running.has(adId)) {
        const status = await handle.status();
        // A finished stage may still see its webhook's outcome recorded: from now on the ad is described
        // first, so its status is kept only once read from the closed run.
        if (isFinishedStage(status.stage)) running.delete(adId);
        return status;
      }
      const runId = await closedRun(adId);
      const kept = closed.get(adId);
      if (kept && kept.runId === runId) return kept.status;
      if (kept) closed.delete(adId);
      // One query: for a closed run (described before it) that answer is final.
      const status = await handle.status();
      if (runId !== undefined) remember(closed, adId, () => closed.set(adId, { runId, status }));
      else if (!isFinishedStage(status.stage)) remember(running, adId, () => running.add(adId));
      return status;
    },
  };
}
