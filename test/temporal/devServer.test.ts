import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config';
import { connectClient, connectWorker } from '../../src/temporal/connection';
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

test('a namespace that does not exist fails the connection at once, naming TEMPORAL_NAMESPACE', async () => {
  const env = await openTemporalTestEnv();
  try {
    const settings = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'no-such-namespace' };
    for (const connect of [connectClient, connectWorker]) {
      await assert.rejects(connect(settings), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.setting, 'TEMPORAL_NAMESPACE');
        assert.match(err.message, /namespace "no-such-namespace" does not exist/);
        return true;
      });
    }
    const client = await connectClient({ TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace });
    assert.equal(client.options.namespace, env.namespace);
    await client.connection.close();
  } finally {
    await env.close();
  }
});
