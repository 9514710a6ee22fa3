// The Temporal Web UI as an operator reads it, in headless Chromium: an ad in
// review is found by the query AdStage="review", the table shows the AdId,
// AdStage and ViduTaskId columns once configured, the event history names each
// activity and timer by its summary, and the User Metadata tab shows the
// static summary and current details (stage, next action, Vidu task first).
// Screenshots go to test-results/screenshots/webui-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startAd } from '../../src/starter';
import { statusQuery, type AdStatus } from '../../src/workflows/ad/contract';
import { adStaticSummary } from '../../src/workflows/ad/summaries';
import { shortTaskId } from '../../src/workflows/shared/shortText';
import { browserMissing, launchChromium } from '../browser/consoleSystem';
import { screenshot } from '../browser/pageHelpers';
import { openWebUiRig, type WebUiRig } from './webUiRig';

const skip = browserMissing();
/** Generous for a busy 2-core machine (the UI polls and renders on its own schedule), bounded for a stuck one. */
const UI_TIMEOUT_MS = 30_000;
const AD_TIMEOUT_MS = 90_000;

let rig: WebUiRig;
let browser: Browser;

before(async () => {
  if (skip) return;
  rig = await openWebUiRig();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** The UI renders summaries and details (Markdown) in sandboxed frames: the text of the page and all its frames. */
async function allText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText({ timeout: 2_000 }).catch(() => '')));
  return texts.join('\n');
}

async function waitForText(page: Page, expected: string | RegExp, what: string): Promise<void> {
  await until(what, UI_TIMEOUT_MS, async () => {
    const text = await allText(page);
    return (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) ? true : undefined;
  });
}

test('an operator finds an ad in review in the Web UI and reads its stage, Vidu task, next action and activity summaries', { skip }, async () => {
  const adId = `webui-${process.pid}-${Date.now().toString(36)}`;
  const request = {
    adId,
    images: ['https://example.com/bottle.png'],
    prompt: 'a perfume bottle on a marble table at golden hour, slow push in',
    duration: 15,
    aspectRatio: '16:9' as const,
    language: 'en' as const,
    polling: { initialMs: 1_000, maxMs: 1_000 },
    review: { enabled: true, windowMs: 3_600_000, onTimeout: 'compose-selected' as const },
    edits: [{ kind: 'video' as const, storyboardIndex: 1, prompt: 'closer shot of the golden bottle cap' }],
  };
  const ad = await startAd(rig.client, request, { taskQueue: rig.taskQueue, artifacts: rig.artifacts });
  const handle = rig.client.workflow.getHandle(ad.workflowId);
  try {
    const status = await until<AdStatus>('the ad to reach review', AD_TIMEOUT_MS, async () => {
      const s = await handle.query(statusQuery);
      return s.stage === 'review' && s.edits.every((e) => e.state === 'succeeded') ? s : undefined;
    });
    const mainTaskId = status.mainTaskId!;
    assert.ok(mainTaskId, 'the ad has its Vidu task');
    const description = await handle.describe();
    assert.equal(await description.staticSummary(), adStaticSummary(request), 'the starter set the static summary');
    assert.equal(await description.staticSummary(), `Ad ${adId}: a perfume bottle on a marble…, 15 s, 16:9`);

    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      const query = encodeURIComponent('AdStage="review"');
      // Visibility may lag the upsert by a moment: reload until the list has the ad.
      const link = page.getByRole('link', { name: ad.workflowId, exact: true });
      await until('the ad in the list filtered by AdStage="review"', UI_TIMEOUT_MS * 2, async () => {
        await page.goto(`${rig.uiUrl}/namespaces/${rig.namespace}/workflows?query=${query}`);
        return (await link.waitFor({ timeout: 5_000 }).then(() => true)) || undefined;
      });
      assert.match(page.url(), /query=AdStage/, 'the list is the filtered one');

      // The columns an operator sets once, as the README says (the UI keeps them in the browser's storage).
      await page.getByTestId('workflows-summary-table-configuration-button').click();
      for (const column of ['Run ID', 'Type', 'End']) await page.getByRole('button', { name: `Remove ${column} column` }).click();
      for (const column of ['AdId', 'AdStage', 'ViduTaskId']) await page.getByRole('button', { name: `Add ${column} column` }).click();
      await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
      await page.getByText('Configure Workflows Table').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
      const row = page.getByRole('row').filter({ has: link });
      await row.getByText(mainTaskId, { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      await row.getByText('review', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'webui-list');

      await link.click();
      // The ad's page opens on its Timeline (UI 2.54); the event history is the next tab.
      await page.getByRole('tab', { name: /^Event History/ }).click({ timeout: UI_TIMEOUT_MS });
      await page.waitForURL(/\/history/, { timeout: UI_TIMEOUT_MS });
      // The event history names each activity and timer by its summary.
      await waitForText(page, `poll main task ${shortTaskId(mainTaskId)}`, 'the main task poll summary in the event history');
      await waitForText(page, 'edit storyboard 1: closer shot of the golden bottle…', "the edit's summary in the event history");
      await waitForText(page, 'review window 1h', "the review timer's summary");
      await screenshot(page, 'webui-history');

      await page.getByText('User Metadata', { exact: true }).click();
      await waitForText(page, `Ad ${adId}: a perfume bottle on a marble…, 15 s, 16:9`, 'the static summary');
      await waitForText(page, /review\s*\n?Next: waiting for review: approve or edit, until \d{4}-\d\d-\d\d \d\d:\d\d UTC/, 'the stage and the next action in the current details');
      await waitForText(page, new RegExp(`Vidu task ${mainTaskId} · Credits: \\d+`), 'the Vidu task and the credits in the current details');
      await screenshot(page, 'webui-details');
    } finally {
      await context.close();
    }
  } finally {
    await handle.cancel().catch(() => undefined);
  }
});
