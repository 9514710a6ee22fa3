// One status poller per ad, shared by every open event stream of that ad:
// it queries the workflow every `intervalMs`, hands a listener the status
// whenever it changes (and at once to a new listener), tells them when the ad
// has finished, and stops as soon as the last listener leaves.
import { AdNotFoundError } from '../starter/errors';
import { isFinishedStage, type AdStatus } from '../workflows/ad/contract';
import type { StatusReader } from './statusReader';

export interface StatusListener {
  status(status: AdStatus, json: string): void;
  /** The ad has finished (after its last status) or can no longer be followed. */
  end(reason: 'finished' | 'not-found'): void;
}

interface Poller {
  listeners: Set<StatusListener>;
  last?: { status: AdStatus; json: string };
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

export interface StatusFeed {
  /** Starts following an ad; answers the function that stops. */
  follow(adId: string, listener: StatusListener): () => void;
  /** How many ads are being polled (for tests and metrics). */
  activeAds(): number;
  close(): void;
}

export interface StatusFeedOptions {
  intervalMs?: number;
  /** Wraps each query (e.g. under a deadline). */
  read?: <T>(fn: () => Promise<T>) => Promise<T>;
  onError?: (adId: string, err: unknown) => void;
}

export function createStatusFeed(reader: StatusReader, options: StatusFeedOptions = {}): StatusFeed {
  const intervalMs = options.intervalMs ?? 500;
  const read = options.read ?? (<T>(fn: () => Promise<T>) => fn());
  const pollers = new Map<string, Poller>();

  const stop = (adId: string, poller: Poller) => {
    poller.stopped = true;
    clearTimeout(poller.timer);
    if (pollers.get(adId) === poller) pollers.delete(adId);
  };

  const endAll = (adId: string, poller: Poller, reason: 'finished' | 'not-found') => {
    stop(adId, poller);
    for (const listener of poller.listeners) listener.end(reason);
    poller.listeners.clear();
  };

  const poll = async (adId: string, poller: Poller) => {
    if (poller.stopped) return;
    try {
      const status = await read(() => reader.status(adId));
      const json = JSON.stringify(status);
      if (poller.stopped) return;
      if (json !== poller.last?.json) {
        poller.last = { status, json };
        for (const listener of poller.listeners) listener.status(status, json);
      }
      if (isFinishedStage(status.stage)) return endAll(adId, poller, 'finished');
    } catch (err) {
      if (err instanceof AdNotFoundError) return endAll(adId, poller, 'not-found');
      // A passing failure (Temporal restarting, a worker deploying): the stream stays open and the next poll tries again.
      options.onError?.(adId, err);
    }
    if (!poller.stopped) poller.timer = setTimeout(() => void poll(adId, poller), intervalMs);
  };

  return {
    follow(adId, listener) {
      let poller = pollers.get(adId);
      if (!poller) {
        poller = { listeners: new Set(), stopped: false };
        pollers.set(adId, poller);
        poller.listeners.add(listener);
        void poll(adId, poller);
      } else {
        poller.listeners.add(listener);
        if (poller.last) listener.status(poller.last.status, poller.last.json);
      }
      const own = poller;
      return () => {
        own.listeners.delete(listener);
        if (own.listeners.size === 0) stop(adId, own);
      };
    },
    activeAds: () => pollers.size,
    close() {
      for (const [adId, poller] of [...pollers]) stop(adId, poller);
    },
  };
}
