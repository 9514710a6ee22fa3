// Small steps the console's browser tests share: logging in, waiting for an
// ad's stage on its page, playing a media element, saving screenshots.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-results', 'screenshots');
export const SAMPLE_IMAGE = path.join(PROJECT_ROOT, 'samples', 'perfume-bottle.png');

/** Long enough for a fast simulated ad on a busy 2-core machine, short enough to fail a stuck one. */
export const STAGE_TIMEOUT_MS = 90_000;

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fills the login form (the page the console sent us to) and waits to be sent on. */
export async function logIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Runs `run` in a fresh context: an empty profile, no cookies from another test. */
export async function withPage(browser: Browser, run: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await run(await context.newPage());
  } finally {
    await context.close();
  }
}

/** Starts an ad from /new (already logged in) and waits for its page in review; resolves with its id. */
export async function startAdFromForm(page: Page, baseUrl: string, prompt: string): Promise<string> {
  await page.goto(`${baseUrl}/new`);
  const adId = await page.getByLabel('Ad id').inputValue();
  await page.getByLabel('Product images').setInputFiles(SAMPLE_IMAGE);
  await page.getByLabel(/^Prompt/).fill(prompt);
  await page.getByRole('button', { name: 'Start the ad' }).click();
  await page.waitForURL(`${baseUrl}/ads/${adId}`);
  await waitForStage(page, 'review');
  return adId;
}

/** Waits until the ad page shows the stage (the page sets it on <main> after each render). */
export async function waitForStage(page: Page, stage: string, timeout = STAGE_TIMEOUT_MS): Promise<void> {
  await page.locator(`main[data-stage="${stage}"]`).waitFor({ state: 'attached', timeout });
}

export interface Playback {
  duration: number;
  currentTime: number;
  totalVideoFrames: number;
  error: number | null;
}

/** What playFor uses of an HTMLVideoElement (the project's TypeScript has no DOM types). */
interface VideoElementLike {
  muted: boolean;
  readyState: number;
  duration: number;
  currentTime: number;
  error: { code: number; message: string } | null;
  play(): Promise<void>;
  pause(): void;
  addEventListener(type: string, listener: () => void, options: { once: boolean }): void;
  getVideoPlaybackQuality(): { totalVideoFrames: number };
}

/**
 * Plays a <video> (muted, as autoplay rules want) for a moment and reports
 * what the browser decoded: a file that does not play has no duration, and
 * neither frames nor time move.
 */
export async function playFor(media: Locator, ms = 700): Promise<Playback> {
  return media.evaluate(async (node, waitMs) => {
    const video = node as unknown as VideoElementLike;
    video.muted = true;
    if (video.readyState < 1) {
      await new Promise<void>((resolve, reject) => {
        video.addEventListener('loadedmetadata', () => resolve(), { once: true });
        video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`)), { once: true });
      });
    }
    await video.play();
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    video.pause();
    return {
      duration: video.duration,
      currentTime: video.currentTime,
      totalVideoFrames: video.getVideoPlaybackQuality().totalVideoFrames,
      error: video.error ? video.error.code : null,
    };
  }, ms);
}

/** True when what playFor saw is a video that really played. */
export function played(playback: Playback): boolean {
  return playback.error === null && Number.isFinite(playback.duration) && playback.duration > 0 && (playback.totalVideoFrames > 0 || playback.currentTime > 0);
}
