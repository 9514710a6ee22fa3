// The review console in a real browser against the real system: an operator
// logs in, starts an ad from /new with a sample photo, plays a take, edits a
// storyboard, selects the new take, approves and plays the final video; and
// refused requests show the API's reason next to the control that sent them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserMissing, consoleSystemForFile } from './consoleSystem';
import { logIn, played, playFor, SAMPLE_IMAGE, screenshot, STAGE_TIMEOUT_MS, startAdFromForm as startAd, waitForStage, withPage as withBrowserPage } from './pageHelpers';

const skip = browserMissing();
const system = consoleSystemForFile(skip);

const withPage = (run: (page: Page) => Promise<void>): Promise<void> => withBrowserPage(system.browser, run);
const startAdFromForm = (page: Page, prompt: string): Promise<string> => startAd(page, system.baseUrl, prompt);

test('an operator starts an ad, plays a take, edits a storyboard, selects the new take, approves and plays the final video', { skip }, async () => {
  await withPage(async (page) => {
    await page.goto(`${system.baseUrl}/`);
    assert.equal(new URL(page.url()).pathname, '/login', 'without a session the console sends the visitor to /login');
    await logIn(page, system.token);
    assert.equal(new URL(page.url()).pathname, '/');

    await page.getByRole('link', { name: 'New ad' }).click();
    await page.waitForURL(`${system.baseUrl}/new`);
    assert.match(await page.getByLabel('Ad id').inputValue(), /^console-\d{8}-[0-9a-f]{6}$/, 'the form suggests a random ad id (its workflow id is then ad-console-...)');
    assert.equal(await page.getByLabel('Narration language').inputValue(), 'zh', 'Chinese narration is the default');
    const adId = await startAdFromForm(page, 'A rose perfume on a marble table, morning light.');

    const board = page.locator('section[data-group="video:0"]');
    const takes = board.locator('article.take');
    const takesBefore = await takes.count();
    assert.ok(takesBefore >= 1, 'the storyboard shows its takes');
    assert.equal(await board.locator('article.take.selected').count(), 1, 'one take of the storyboard is marked selected');
    const firstTakeId = await board.locator('article.take.selected').getAttribute('data-take-id');
    const firstVideo = board.locator(`article.take[data-take-id="${firstTakeId}"] video`);
    assert.equal(await firstVideo.getAttribute('preload'), 'metadata');
    assert.equal(await firstVideo.getAttribute('controls'), '');
    assert.match((await firstVideo.getAttribute('src')) ?? '', new RegExp(`^/v1/ads/${adId}/media/takes/`));
    assert.match((await firstVideo.getAttribute('poster')) ?? '', new RegExp(`^/v1/ads/${adId}/media/`), 'the take shows its cover before playing');
    const firstPlay = await playFor(firstVideo);
    assert.ok(played(firstPlay), `the first take plays: ${JSON.stringify(firstPlay)}`);
    await screenshot(page, 'ad-review');

    // The edit: its take appears next to the first one, and the first one's player is left alone.
    const firstVideoHandle = await firstVideo.elementHandle();
    await board.getByLabel('New prompt for Storyboard 1').fill('Close-up: the bottle turns slowly, petals falling.');
    await board.getByRole('button', { name: 'Request edit' }).click();
    await board.locator('.edit-form output').filter({ hasText: 'Edit requested' }).waitFor({ timeout: STAGE_TIMEOUT_MS });
    const newTake = takes.nth(takesBefore);
    await newTake.locator('video').waitFor({ timeout: STAGE_TIMEOUT_MS });
    await waitForStage(page, 'review');
    assert.equal(await newTake.locator('.take-prompt').textContent(), 'Close-up: the bottle turns slowly, petals falling.');
    const kept = await firstVideoHandle!.evaluate((video) => {
      const v = video as unknown as { isConnected: boolean; currentTime: number };
      return { connected: v.isConnected, currentTime: v.currentTime };
    });
    assert.ok(kept.connected && kept.currentTime > 0, `live updates kept the first take's player and its position: ${JSON.stringify(kept)}`);
    const newPlay = await playFor(newTake.locator('video'));
    assert.ok(played(newPlay), `the edited take plays: ${JSON.stringify(newPlay)}`);
    await screenshot(page, 'ad-after-edit');

    // A finished edit's take is selected by the workflow; the operator goes back to the first take, then picks the new one again.
    const newTakeId = await newTake.getAttribute('data-take-id');
    const selected = (takeId: string | null) => board.locator(`article.take.selected[data-take-id="${takeId}"]`);
    await selected(newTakeId).waitFor({ timeout: STAGE_TIMEOUT_MS });
    await board.locator(`article.take[data-take-id="${firstTakeId}"]`).getByRole('button', { name: /^Select take/ }).click();
    await selected(firstTakeId).waitFor({ timeout: STAGE_TIMEOUT_MS });
    assert.equal(await board.locator('article.take.selected').count(), 1, 'only one take of a storyboard is selected');
    await newTake.getByRole('button', { name: /^Select take/ }).click();
    await selected(newTakeId).waitFor({ timeout: STAGE_TIMEOUT_MS });
    assert.equal(await board.locator('article.take.selected').count(), 1, 'only one take of a storyboard is selected');

    await page.getByRole('button', { name: 'Approve' }).click();
    await waitForStage(page, 'done');
    const finalVideo = page.locator('#final-video');
    await finalVideo.waitFor({ state: 'visible' });
    assert.match((await finalVideo.getAttribute('src')) ?? '', new RegExp(`^/v1/ads/${adId}/media/`));
    assert.match((await page.locator('#final-facts').textContent()) ?? '', /^Composed from the selected takes/);
    const finalPlay = await playFor(finalVideo);
    assert.ok(played(finalPlay), `the final video plays: ${JSON.stringify(finalPlay)}`);
    assert.equal(await page.getByRole('button', { name: 'Approve' }).isVisible(), false, 'a finished ad offers no actions');
    await screenshot(page, 'ad-done');

    // The list shows the finished ad with what it cost.
    await page.getByRole('link', { name: 'All ads' }).click();
    const row = page.locator(`tr[data-ad-id="${adId}"]`);
    await row.locator('.stage', { hasText: 'done' }).waitFor({ timeout: STAGE_TIMEOUT_MS });
    assert.match((await row.locator('td.num').textContent()) ?? '', /^[1-9][\d,]*$/, 'credits spent are shown');
    await screenshot(page, 'ad-list');
    const stageFilter = page.getByLabel('Stage');
    await stageFilter.selectOption('cancelled');
    await row.waitFor({ state: 'detached', timeout: STAGE_TIMEOUT_MS });
    assert.equal(new URL(page.url()).search, '?stage=cancelled', 'the filter is kept in the address');
    await stageFilter.selectOption('done');
    await row.waitFor({ timeout: STAGE_TIMEOUT_MS });
  });
});

test('refused requests show the API’s reason next to the control that sent them', { skip }, async () => {
  await withPage(async (page) => {
    await page.goto(`${system.baseUrl}/new`);
    await logIn(page, system.token);
    assert.equal(new URL(page.url()).pathname, '/new', 'after logging in the visitor is back where they were going');

    // The form's own check, then the API's.
    await page.getByRole('button', { name: 'Start the ad' }).click();
    assert.match((await page.locator('#images-error').textContent()) ?? '', /^images: /);
    await page.getByLabel('Product images').setInputFiles(SAMPLE_IMAGE);
    await page.getByLabel('Duration (seconds)').fill('5');
    await page.getByRole('button', { name: 'Start the ad' }).click();
    await page.locator('#duration-error').filter({ hasText: /duration/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/new', 'a refused form stays on the page');
    await page.getByLabel('Duration (seconds)').fill('');
    await startAdFromForm(page, 'A rose perfume, <b>bold</b> & bright.');
    assert.equal(await page.locator('article.take .take-prompt b').count(), 0, 'prompts are shown as text, never as markup');
    assert.match((await page.locator('article.take .take-prompt').first().textContent()) ?? '', /<b>bold<\/b> & bright/);

    const board = page.locator('section[data-group="video:0"]');
    const takesBefore = await board.locator('article.take').count();
    const output = board.locator('.edit-form output');
    await board.getByRole('button', { name: 'Request edit' }).click();
    await output.filter({ hasText: /prompt/ }).waitFor();
    assert.equal(await output.getAttribute('class'), 'message error');
    const emptyRefusal = await output.textContent();

    await board.getByLabel('New prompt for Storyboard 1').fill('x'.repeat(2001));
    await board.getByRole('button', { name: 'Request edit' }).click();
    await output.filter({ hasText: /2000/ }).waitFor();
    assert.match((await output.textContent()) ?? '', /prompt/);
    assert.notEqual(await output.textContent(), emptyRefusal, 'each refusal says its own reason');
    assert.equal(await board.locator('article.take').count(), takesBefore, 'a refused edit makes no take');
    assert.equal(await page.locator('#edits-used').textContent(), '0 of 10', 'a refused edit uses no edit');
    await screenshot(page, 'refused-edit');

    await page.getByText('Cancel the ad…').click();
    await page.getByLabel(/^Reason/).fill('not needed any more');
    await page.getByRole('button', { name: 'Cancel the ad' }).click();
    await waitForStage(page, 'cancelled');
    assert.equal(await board.locator('.edit-form').isVisible(), false, 'a cancelled ad takes no edits');
    assert.equal(await board.getByRole('button', { name: /^Select take/ }).count(), 0);
  });
});
