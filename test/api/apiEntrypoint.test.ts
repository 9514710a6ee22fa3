// `npm run api` as a process (config from the environment, SIGTERM stops it
// cleanly), extra plugins (how the review console is wired in), and the 503
// a client gets while Temporal is unreachable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fastifyStatic from '@fastify/static';
import { Client, Connection } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { startApiServer, type ApiServerDeps } from '../../src/api/server';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';

const TOKEN = 'entrypoint-token-0123456789';

describe('the API entry point', () => {
  let env: TemporalTestEnv;
  let artifactDir: string;
  before(async () => {
    env = await openTemporalTestEnv();
    artifactDir = await mkdtemp(path.join(tmpdir(), 'api-main-'));
  });
  after(async () => {
    await env?.close();
    await rm(artifactDir, { recursive: true, force: true });
  });

  /** The API in this process, its Temporal nowhere (127.0.0.1:1): what it does on its own. */
  async function serverWithoutTemporal(options: Pick<ApiServerDeps, 'plugins' | 'temporalReadTimeoutMs'>): Promise<{ url: string; close(): Promise<void> }> {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
    const server = await startApiServer({ client: new Client({ connection }), taskQueue: 'nowhere', artifacts: new LocalArtifactStore(artifactDir), tokens: [TOKEN], host: '127.0.0.1', port: 0, ...options });
    return {
      url: server.url,
      async close() {
        await server.close();
        await connection.close().catch(() => undefined);
      },
    };
  }

  it('serves with the settings from the environment and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../src/entrypoints/api/main.ts')], {
      env: { ...process.env, API_HOST: '127.0.0.1', API_PORT: '0', API_METRICS_PORT: '0', API_TOKENS: TOKEN, ARTIFACT_DIR: artifactDir, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line; output: ${output}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /\((http:\/\/127\.0\.0\.1:\d+)\)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { ok: true });
      // /metrics on its own listener, named in the start line; not on the API's port.
      const metricsUrl = /"metrics":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(output)?.[1];
      assert.ok(metricsUrl, `the start line names the metrics URL: ${output}`);
      assert.match(await (await fetch(metricsUrl)).text(), /api_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
      assert.equal((await fetch(`${url}/metrics`)).status, 404);
      assert.equal((await fetch(`${url}/v1/ads`)).status, 401);
      const listed = await fetch(`${url}/v1/ads`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(listed.status, 200, await listed.clone().text());
      assert.ok(Array.isArray(((await listed.json()) as { ads: unknown[] }).ads));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      assert.doesNotMatch(output, new RegExp(TOKEN), 'the token is never logged');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('registers extra plugins (the console) after its routes; they can check auth and serve their own static files', async () => {
    const assets = await mkdtemp(path.join(tmpdir(), 'api-plugin-'));
    await writeFile(path.join(assets, 'app.js'), 'console.log(1)');
    const plugin: FastifyPluginAsync<{ greeting: string }> = async (app, options) => {
      await app.register(fastifyStatic, { root: assets, prefix: '/console/' });
      app.get('/probe', async (request) => ({ greeting: options.greeting, authenticated: await app.isAuthenticated(request) }));
    };
    const server = await serverWithoutTemporal({ plugins: [{ plugin, options: { greeting: 'hello' } }] });
    try {
      assert.deepEqual(await (await fetch(`${server.url}/probe`)).json(), { greeting: 'hello', authenticated: false });
      const withToken = await fetch(`${server.url}/probe`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.deepEqual(await withToken.json(), { greeting: 'hello', authenticated: true });
      // A cookie holding the token itself (what older versions set) is no session; a signed-in session is.
      const tokenCookie = await fetch(`${server.url}/probe`, { headers: { cookie: `vidu_api_token=${TOKEN}` } });
      assert.equal(((await tokenCookie.json()) as { authenticated: boolean }).authenticated, false);
      const signIn = await fetch(`${server.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
      const withCookie = await fetch(`${server.url}/probe`, { headers: { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]! } });
      assert.equal(((await withCookie.json()) as { authenticated: boolean }).authenticated, true);
      const asset = await fetch(`${server.url}/console/app.js`);
      assert.equal(asset.status, 200);
      assert.equal(await asset.text(), 'console.log(1)');
    } finally {
      await server.close();
      await rm(assets, { recursive: true, force: true });
    }
  });

  it('answers 503 while Temporal is unreachable', async () => {
    const server = await serverWithoutTemporal({ temporalReadTimeoutMs: 2_000 });
    try {
      const t0 = performance.now();
      const response = await fetch(`${server.url}/v1/ads/some-ad`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(response.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'ServiceUnavailable');
      assert.ok(performance.now() - t0 < 10_000, 'promptly, within the read deadline');
    } finally {
      await server.close();
    }
  });
});
