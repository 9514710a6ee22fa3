// The demo's HTTP API and review console. The demo starts it once the worker
// runs, prints the ad's console link beside the Temporal Web UI link, keeps it
// up under --keep-running and closes it with everything else. Tests may pass
// another starter (ReviewConsoleStarter).
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { consolePlugin } from '../../api/console/plugin';
import { startApiServer } from '../../api/server';
import type { ArtifactStore } from '../../artifacts/artifactStore';
import { portOrAlternative } from './ports';

/** What the demo has to offer a review console: its Temporal client and the ad's store and queue. */
export interface ReviewConsoleContext {
  client: Client;
  namespace: string;
  taskQueue: string;
  artifacts: ArtifactStore;
  artifactDir: string;
  log: (line: string) => void;
}

export interface RunningReviewConsole {
  /** The console's base URL, printed as "review console: <url>". */
  url: string;
  /** A link that signs in (once, within minutes: a fresh code each call) and opens the ad's page; the demo prints it once the ad has started, and again under --keep-running. */
  adPageUrl?(adId: string): string;
  close(): Promise<void>;
}

/** Starts a review console for the demo (src/entrypoints/demo/main.ts passes `startDemoReviewConsole`). */
export type ReviewConsoleStarter = (context: ReviewConsoleContext) => Promise<RunningReviewConsole>;

/** The API's documented port, or another free one when something holds it. */
const DEMO_API_PORT = 8090;

/** The demo's key: an admin key with a random token that is never printed. */
const DEMO_KEY = { name: 'demo', role: 'admin' } as const;

/**
 * The demo's console: the HTTP API and review console on loopback with a
 * random key nobody is shown. Each printed link carries a one-time sign-in code
 * in its fragment (`/login#code=...`, which browsers never send to a server):
 * it signs in once, within a few minutes (SIGN_IN_CODE_TTL_MS), and is worth
 * nothing afterwards; the API token itself never leaves the process.
 */
export const startDemoReviewConsole: ReviewConsoleStarter = async ({ client, taskQueue, artifacts, log }) => {
  const host = '127.0.0.1';
  const port = await portOrAlternative(DEMO_API_PORT, 'the review console', log, host);
  const token = randomBytes(24).toString('base64url');
  const server = await startApiServer({ client, taskQueue, artifacts, keys: [{ ...DEMO_KEY, token }], host, port, plugins: [consolePlugin] });
  return {
    url: server.url,
    adPageUrl: (adId) => `${server.url}/login?next=${encodeURIComponent(`/ads/${encodeURIComponent(adId)}`)}#code=${server.app.signInCodes.issue(DEMO_KEY)}`,
    close: () => server.close(),
  };
};
