// What the routes share: the Temporal client, where ads run and where their
// files are, and the status feed behind the event streams.
import type { Client } from '@temporalio/client';
import type { ArtifactStore } from '../artifacts/artifactStore';
import type { PageTokens } from './adListing';
import type { CreditCaps } from './creditCaps';
import type { StreamSlots } from './limits';
import type { StatusReader } from './statusReader';
import type { StatusFeed } from './statusFeed';

export interface ApiContext {
  client: Client;
  taskQueue: string;
  artifacts: ArtifactStore;
  feed: StatusFeed;
  /** The status query, with closed ads' final statuses kept. */
  statuses: StatusReader;
  /** Milliseconds between keep-alive comments on an event stream. */
  heartbeatMs: number;
  /** Runs a Temporal read (status, list, describe) under a deadline, so an outage is a prompt 503 rather than a hang. */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /** Closers of the open event streams, ended when the server closes. */
  streams: Set<() => void>;
  /** The caps on open event streams, per key and in all. */
  streamSlots: StreamSlots;
  /** The server's credit caps; a missing one is no cap. */
  caps: CreditCaps;
  /** Seals and opens GET /v1/ads page tokens. */
  pageTokens: PageTokens;
}
