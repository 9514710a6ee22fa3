// The seam for the review console (the HTTP API and its console, started by
// `startApiServer` in src/api/server.ts). The demo starts it, when given, once
// the worker runs, prints its URL beside the Temporal Web UI link, keeps it up
// under --keep-running and closes it with everything else.
import type { Client } from '@temporalio/client';
import type { LocalArtifactStore } from '../../artifacts/artifactStore';

/** What the demo has to offer a review console: its Temporal client and the ad's store and queue. */
export interface ReviewConsoleContext {
  client: Client;
  namespace: string;
  taskQueue: string;
  artifacts: LocalArtifactStore;
  artifactDir: string;
  log: (line: string) => void;
}

export interface RunningReviewConsole {
  /** The console's base URL, printed as "review console: <url>". */
  url: string;
  close(): Promise<void>;
}

/** Starts the review console for the demo (wired in src/entrypoints/demo.ts). */
export type ReviewConsoleStarter = (context: ReviewConsoleContext) => Promise<RunningReviewConsole>;
