import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTemporalTestEnv } from '../support/temporalTestEnv';

test('the dev server the suite runs on is real and has the ad search attributes registered', async () => {
  const env = await openTemporalTestEnv();
  try {
    const response = await env.client.connection.operatorService.listSearchAttributes({ namespace: env.namespace });
    const custom = Object.keys(response.customAttributes ?? {});
    for (const name of ['AdStage', 'ViduTaskId', 'AdId']) assert.ok(custom.includes(name), `${name} missing from ${custom.join(', ')}`);
    const system = await env.client.connection.workflowService.getSystemInfo({});
    assert.match(system.serverVersion ?? '', /^\d+\.\d+\.\d+/);
  } finally {
    await env.close();
  }
});
