// The whole system for the browser tests, on loopback: the test harness's
// Temporal, the Vidu simulator with millisecond timings, the webhook receiver
// (the simulator's callbacks move the ads on at once, so no polling waits),
// a worker, and the API server with the review console. Plus a headless
// Chromium in a fresh profile.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { consolePlugin } from '../../src/api/console/plugin';
import { startApiServer, type RunningApiServer } from '../../src/api/server';
import type { ViduSimulator } from '../../src/simulator';
import { FAST_TIMING } from '../entrypoints/liveRig';
import { startCallbackRelay } from '../support/callbackRelay';
import { openLiveParts } from '../support/liveParts';
import { standIn } from '../support/suiteResource';
import type { TemporalTestEnv } from '../support/temporalTestEnv';
import { startTestAdWorker } from '../support/testAdWorker';

/** Debian's Chromium (the CI installs it); CHROMIUM_PATH names another. Never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. Without
 * a Chromium they are skipped on a developer's machine but fail in CI, where
 * one must be present.
 */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return undefined;
  return `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)`;
}
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Headless Debian Chromium with the flags this machine's closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface ConsoleSystem {
  /** The API server's base URL (the console is at its root). */
  baseUrl: string;
  token: string;
  browser: Browser;
  env: TemporalTestEnv;
  simulator: ViduSimulator;
  close(): Promise<void>;
}

/**
 * The system for this file's tests, opened before them and closed after them,
 * unless `skip` (browserMissing()) says the browser tests cannot run here.
 */
export function consoleSystemForFile(skip: string | undefined): ConsoleSystem {
  let system: ConsoleSystem | undefined;
  before(async () => {
    if (!skip) system = await openConsoleSystem();
  });
  after(async () => {
    await system?.close();
  });
  return standIn(() => system);
}

/** Closes what was opened, last first; one failing close does not keep the others open. */
class Closer {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];
  push(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }
  async closeAll(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error(`closing the console system: ${(err as Error).message}`);
      }
    }
  }
}

export async function openConsoleSystem(): Promise<ConsoleSystem> {
  const closer = new Closer();
  try {
    // Rendered media (real H.264 takes, MP3 tracks, PNG covers): the tests check that the browser plays them.
    const parts = await openLiveParts({ simulator: { timing: FAST_TIMING, media: 'rendered' }, artifactPrefix: 'console-artifacts-' });
    closer.push(() => parts.close());
    const { env, simulator, vidu, artifacts } = parts;
    const taskQueue = env.uniqueTaskQueue('console');

    const relay = await startCallbackRelay({ client: env.client, apiKey: simulator.apiKey });
    closer.push(() => relay.close());

    const worker = await startTestAdWorker(env, { taskQueue, vidu, artifacts, callbackPublicUrl: relay.url });
    closer.push(() => worker.stop());

    const token = `console-test-${randomBytes(12).toString('hex')}`;
    const api: RunningApiServer = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      client: env.client,
      taskQueue,
      artifacts,
      tokens: [token],
      plugins: [consolePlugin],
      statusPollMs: 200,
    });
    closer.push(() => api.close());

    const browser = await launchChromium();
    closer.push(() => browser.close());

    return { baseUrl: api.url, token, browser, env, simulator, close: () => closer.closeAll() };
  } catch (err) {
    await closer.closeAll();
    throw err;
  }
}
