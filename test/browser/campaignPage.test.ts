// The console's campaign page in a real browser: a campaign started over the
// API shows its variants, budget and counts; "Approve every ad in review"
// reaches both ads and the page follows the campaign to done.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserMissing, consoleSystemForFile } from './consoleSystem';
import { logIn, screenshot, STAGE_TIMEOUT_MS, withPage } from './pageHelpers';

const skip = browserMissing();
const system = consoleSystemForFile(skip);

test('the campaign page shows the variants and the budget, and approves every ad in review', { skip }, async () => {
  const campaignId = `console-campaign-${process.pid}`;
  const started = await fetch(`${system.baseUrl}/v1/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${system.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaignId,
      images: ['https://example.com/products/bottle.png'],
      prompt: 'a perfume bottle',
      variants: { aspectRatios: ['16:9', '9:16'], languages: ['en'], durations: [10] },
      budgetCredits: 2_000,
      ads: { review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' }, polling: { initialMs: 1_000, maxMs: 1_000 } },
    }),
  });
  assert.equal(started.status, 201, await started.text());

  await withPage(system.browser, async (page) => {
    await page.goto(`${system.baseUrl}/campaigns/${campaignId}`);
    await logIn(page, system.token);
    assert.equal(new URL(page.url()).pathname, `/campaigns/${campaignId}`, 'after logging in, back to the campaign');
    await page.locator('#variants tr[data-stage="review"]').nth(1).waitFor({ timeout: STAGE_TIMEOUT_MS });
    assert.equal(await page.locator('#variants tr').count(), 2);
    assert.match((await page.locator('#budget').textContent()) ?? '', /^2,000: 802 allotted to running ads · 0 spent by ended ads · 1,198 free$/);
    const link = page.getByRole('link', { name: '9x16-en-10s' });
    assert.equal(await link.getAttribute('href'), `/ads/${campaignId}.9x16-en-10s`);
    await screenshot(page, 'campaign-review');

    await page.getByRole('button', { name: 'Approve every ad in review' }).click();
    await page.locator('#actions-output').filter({ hasText: 'Sent to 2 ad(s).' }).waitFor({ timeout: STAGE_TIMEOUT_MS });
    await page.locator('main[data-stage="done"]').waitFor({ state: 'attached', timeout: STAGE_TIMEOUT_MS });
    assert.equal(await page.locator('#variants tr[data-stage="done"]').count(), 2);
    await screenshot(page, 'campaign-done');
  });
});
