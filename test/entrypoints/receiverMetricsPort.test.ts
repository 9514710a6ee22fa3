// `npm run receiver` as a service: its /metrics is not on the callback port
// (which faces the internet) but on RECEIVER_METRICS_HOST:RECEIVER_METRICS_PORT,
// loopback by default; the start-up line says where.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { freePort } from '../../src/tools/ports';
import { startService, type ServiceProcess } from '../operations/serviceProcess';

describe('the receiver service serves /metrics on a port of its own', { timeout: 120_000 }, () => {
  let receiver: ServiceProcess | undefined;
  after(async () => receiver?.kill());

  it('answers /metrics on RECEIVER_METRICS_PORT (loopback) and 404 on the callback port', async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    assert.ok(address, 'TEMPORAL_ADDRESS is set: run through test/run.ts');
    const [port, metricsPort] = [await freePort(), await freePort()];
    receiver = await startService(
      'src/entrypoints/receiver/main.ts',
      {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE,
        VIDU_API_KEY: 'metrics-port-test-key',
        CALLBACK_PUBLIC_URL: `http://127.0.0.1:${port}/vidu/callback`,
        RECEIVER_HOST: '127.0.0.1',
        RECEIVER_PORT: String(port),
        RECEIVER_METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'info',
      },
      /Vidu callback receiver on/,
    );
    assert.match(receiver.output(), new RegExp(`"metrics":"http://127\\.0\\.0\\.1:${metricsPort}/metrics"`), 'the start-up line names the metrics URL');
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /vidu_callbacks_total\{outcome="delivered"\} 0/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, 'not on the callback port');
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'the callback port still answers its health check');
  });
});
