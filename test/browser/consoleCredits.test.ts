// The console's credits fact, without a browser: spent, reserved, estimated
// and the budget with what is left, and the spent figure alone for statuses
// from workers older than budgets.
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Common {
  formatCreditsStatus(status: unknown): string;
}

test('the ad page states the credits as the budget sees them', async () => {
  // A browser module without types: imported by a computed path, and typed here by what the test uses.
  const modulePath = '../../src/api/console/public/common.js';
  const { formatCreditsStatus } = (await import(modulePath)) as Common;
  assert.equal(
    formatCreditsStatus({ creditsSpent: 610, credits: { estimated: 611, reserved: 1, spent: 610, limit: 700, overrun: 0 } }),
    `610 spent · 1 reserved · 611 estimated · budget 700 (89 left)`,
  );
  assert.equal(formatCreditsStatus({ creditsSpent: 650, credits: { estimated: 600, reserved: 0, spent: 650, overrun: 50 } }), '650 spent · 0 reserved · 600 estimated · 50 over the estimates');
  assert.equal(formatCreditsStatus({ creditsSpent: 1200 }), `${(1200).toLocaleString()} spent`);
});
