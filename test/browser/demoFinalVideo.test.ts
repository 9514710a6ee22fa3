// The demo as a new user meets it: its printed review-console link signs in
// (a one-time sign-in code travels in the link's fragment, never the token) and opens the ad's page, where
// the demo's final mp4, composed from the edited takes, plays in Chromium.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startDemoReviewConsole } from '../../src/entrypoints/demo/reviewConsole';
import { runDemo, DemoAbortedError } from '../../src/entrypoints/demo/runDemo';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';
import { demoTestOptions } from '../entrypoints/demoTestOptions';
import { browserMissing, launchChromium } from './consoleSystem';
import { played, playFor, screenshot, STAGE_TIMEOUT_MS, waitForStage } from './pageHelpers';

const skip = browserMissing();
let env: TemporalTestEnv;
let browser: Browser;
let artifactDir: string;

before(async () => {
  if (skip) return;
  env = await openTemporalTestEnv();
  browser = await launchChromium();
  artifactDir = await mkdtemp(path.join(tmpdir(), 'demo-video-'));
});

after(async () => {
  await browser?.close();
  await env?.close();
  if (artifactDir) await rm(artifactDir, { recursive: true, force: true });
});

/** Resolves once a logged line matches, or rejects when the demo ends first. */
function lineMatching(log: string[], pattern: RegExp, demo: Promise<unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const line = log.find((l) => pattern.test(l));
      if (line) {
        clearInterval(timer);
        resolve(line);
      }
    }, 100);
    demo.then(
      () => (clearInterval(timer), reject(new Error(`the demo ended before printing ${pattern}`))),
      (err: unknown) => (clearInterval(timer), reject(err as Error)),
    );
  });
}

test("the demo's console link signs in and its final mp4 plays in Chromium", { skip, timeout: 5 * 60_000 }, async () => {
  const log: string[] = [];
  const stop = new AbortController();
  const demo = runDemo({
    ...demoTestOptions(env, artifactDir, 'demo-video'),
    keepRunning: true,
    signal: stop.signal,
    startReviewConsole: startDemoReviewConsole,
    log: (line) => log.push(line),
  });
  try {
    const consoleLine = await lineMatching(log, /^Review it in the review console: /, demo);
    const link = /(http:\/\/\S+)/.exec(consoleLine)![1]!;
    // A one-time sign-in code in the fragment (it used to be the API token itself).
    assert.match(link, /\/login\?next=%2Fads%2F[^#]+#code=[\w-]{43}$/, 'the link signs in and goes to the ad');
    await lineMatching(log, /^Everything keeps running/, demo);

    const page = await browser.newPage();
    await page.goto(link);
    await page.waitForURL((url) => url.pathname.startsWith('/ads/'), { timeout: 30_000 });
    assert.equal(new URL(page.url()).hash, '', 'the code leaves the address bar once used');
    // The code worked once: the same link in another browser signs nobody in, and says why.
    const elsewhere = await browser.newContext();
    try {
      const again = await elsewhere.newPage();
      await again.goto(link);
      await again.getByText(/sign-in link has been used already or has expired/).waitFor({ timeout: 15_000 });
      assert.equal(new URL(again.url()).pathname, '/login', 'the used link stays on the login page');
    } finally {
      await elsewhere.close();
    }
    await waitForStage(page, 'done', STAGE_TIMEOUT_MS);

    const finalVideo = page.locator('video#final-video, section#result video').first();
    const src = await finalVideo.getAttribute('src');
    assert.ok(src, 'the done page has the final video');
    const playback = await playFor(finalVideo, 1_000);
    assert.ok(played(playback), `the final mp4 plays: ${JSON.stringify(playback)}`);
    await screenshot(page, 'demo-done');

    // What played is the file the demo printed as saved.
    const savedLine = log.find((l) => /\.mp4\b/.test(l) && l.includes(artifactDir));
    assert.ok(savedLine, 'the demo prints where the final mp4 was saved');
    const savedPath = savedLine.slice(savedLine.indexOf(artifactDir)).split(/\s/)[0]!;
    const served = Buffer.from(await (await page.request.get(new URL(src, page.url()).toString())).body());
    const saved = await readFile(savedPath);
    assert.equal(createHash('sha256').update(served).digest('hex'), createHash('sha256').update(saved).digest('hex'));
    await page.close();
  } finally {
    stop.abort();
    await demo.catch((err: unknown) => {
      if (!(err instanceof DemoAbortedError)) throw err;
    });
  }
});
