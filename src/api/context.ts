// What the routes share: the Temporal client, where ads run and where their
// files are, and the status feed behind the event streams.
import type { Client } from '@temporalio/client';
import type { LocalArtifactStore } from '../artifacts/artifactStore';
import type { StatusFeed } from './statusFeed';

export interface ApiContext {
  client: Client;
  taskQueue: string;
  artifacts: LocalArtifactStore;
  feed: StatusFeed;
  /** Milliseconds between keep-alive comments on an event stream. */
  heartbeatMs: number;
  /** Closers of the open event streams, ended when the server closes. */
  streams: Set<() => void>;
}
