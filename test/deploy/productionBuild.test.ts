// The production build (`npm run build`, scripts/build.mjs) as the image uses
// it: built into a folder of its own that holds package.json, the dependencies
// and dist/ but no sources, its entry points run through deploy/entrypoint.sh
// with plain `node` (no tsx), each against the test's Temporal server: the API
// serves its console's static files from dist/, the worker finds the workflow
// bundle beside it without WORKFLOW_BUNDLE_PATH, the compiled health check
// says each is healthy, and SIGTERM stops them cleanly.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../src/tools/ports';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { openTemporalTestEnv, type TemporalTestEnv } from '../support/temporalTestEnv';

const ENTRYPOINT = readFileSync(path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh'), 'utf8');
const TOKEN = 'production-build-token-0123456789';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the production build, run as the image runs it', { timeout: 240_000 }, () => {
  let env: TemporalTestEnv;
  let tmp: string;
  let app: string;
  let baseEnv: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  /** deploy/entrypoint.sh <command>, from the app folder, its output collected. */
  function startCommand(command: string, extraEnv: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn('sh', [path.join(app, 'deploy', 'entrypoint.sh'), command], { cwd: app, env: { ...baseEnv, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  function healthcheck(command: string, extraEnv: NodeJS.ProcessEnv): { status: number | null; out: string } {
    const result = spawnSync(process.execPath, ['dist/deploy/healthcheck.js', command], { cwd: app, env: { ...baseEnv, ...extraEnv }, encoding: 'utf8', timeout: 20_000 });
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  }

  before(async () => {
    env = await openTemporalTestEnv();
    tmp = mkdtempSync(path.join(tmpdir(), 'production-build-'));
    app = path.join(tmp, 'app');
    mkdirSync(path.join(app, 'deploy'), { recursive: true });
    const build = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'build.mjs'), '--out-dir', path.join(app, 'dist')], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 200_000 });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}${build.stderr}`);
    copyFileSync(path.join(PROJECT_ROOT, 'package.json'), path.join(app, 'package.json'));
    copyFileSync(path.join(PROJECT_ROOT, 'deploy', 'entrypoint.sh'), path.join(app, 'deploy', 'entrypoint.sh'));
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
    baseEnv = { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace, NODE_ENV: 'production', LOG_LEVEL: 'info', ARTIFACT_DIR: path.join(tmp, 'artifacts') };
    // The image sets WORKFLOW_BUNDLE_PATH; leaving it out here checks the worker finds dist/workflow-bundle.js beside itself.
    for (const name of ['WORKFLOW_BUNDLE_PATH', 'NODE_OPTIONS', 'TEMPORAL_CLI_PATH']) delete baseEnv[name];
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await env?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('compiles every entry point the image runs, with the console files beside the API, and needs neither tsx nor TypeScript', () => {
    const dist = path.join(app, 'dist');
    const entries = [...ENTRYPOINT.matchAll(/^\s*[a-z][a-z-]*\)\s*entry=(\S+)\s*;;/gm)].map((m) => m[1]!);
    assert.ok(entries.length >= 6, `the entry point names its commands (found ${entries.length})`);
    for (const entry of [...entries, 'deploy/healthcheck.ts']) {
      assert.ok(existsSync(path.join(dist, entry.replace(/\.ts$/, '.js'))), `dist/${entry.replace(/\.ts$/, '.js')} is built from ${entry}`);
    }
    assert.ok(statSync(path.join(dist, 'workflow-bundle.js')).size > 100_000, 'the workflow bundle is built too');
    const consoleDir = path.join(PROJECT_ROOT, 'src', 'api', 'console', 'public');
    for (const file of files(consoleDir)) {
      const copied = path.join(dist, 'src', 'api', 'console', 'public', path.relative(consoleDir, file));
      assert.ok(existsSync(copied), `${path.relative(PROJECT_ROOT, file)} is copied into dist/`);
    }
    const built = files(dist);
    assert.deepEqual(built.filter((file) => file.endsWith('.ts')), [], 'no TypeScript in dist/');
    for (const file of built.filter((f) => f.endsWith('.js') && !f.endsWith('workflow-bundle.js'))) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /require\("(tsx|typescript)(\/[^"]*)?"\)/, `${path.relative(dist, file)} loads no tsx or TypeScript`);
    }
  });

  it('runs the API, the receiver and the worker with plain node from a folder without sources, healthy, and stops them on SIGTERM', async () => {
    const apiPort = await freePort();
    const receiverPort = await freePort();
    const taskQueue = env.uniqueTaskQueue('production-build');
    const settings: NodeJS.ProcessEnv = {
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      API_TOKENS: TOKEN,
      API_METRICS_PORT: 'off', // its /metrics listener (9467 by default) is not needed here, and other tests run APIs at once
      RECEIVER_HOST: '127.0.0.1',
      RECEIVER_PORT: String(receiverPort),
      RECEIVER_METRICS_PORT: 'off', // its /metrics listener (9466 by default) is not needed here, and several receivers run at once
      VIDU_API_KEY: 'sim-key',
      VIDU_BASE_URL: 'http://127.0.0.1:9',
      CALLBACK_PUBLIC_URL: `http://127.0.0.1:${receiverPort}/vidu/callback`,
      AD_TASK_QUEUE: taskQueue,
      WORKER_METRICS_PORT: 'off',
      WORKER_APP_METRICS_PORT: 'off',
    };
    const api = startCommand('api', settings);
    const receiver = startCommand('receiver', settings);
    const worker = startCommand('worker', settings);

    await until('the API to answer /healthz', async () => (await fetch(`http://127.0.0.1:${apiPort}/healthz`)).ok);
    const css = await fetch(`http://127.0.0.1:${apiPort}/console/console.css`);
    assert.equal(css.status, 200, 'the console’s static files are served from dist/');
    assert.equal(await css.text(), readFileSync(path.join(PROJECT_ROOT, 'src', 'api', 'console', 'public', 'console.css'), 'utf8'));
    const login = await fetch(`http://127.0.0.1:${apiPort}/login`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /<html/i);

    await until('the receiver to answer /healthz', async () => (await fetch(`http://127.0.0.1:${receiverPort}/healthz`)).ok);
    for (const command of ['api', 'receiver']) {
      const check = healthcheck(command, settings);
      assert.equal(check.status, 0, check.out);
      assert.match(check.out, new RegExp(`healthy: ${command}`));
    }
    await until('the worker to poll its task queue', async () => healthcheck('worker', settings).status === 0, 60_000);
    const bundle = path.join(app, 'dist', 'workflow-bundle.js');
    // The line may reach this process after Temporal already lists the poller.
    await until('the worker to say which workflow code it runs', async () => worker.output().includes('"workflowCode"'), 10_000).catch(() => undefined);
    assert.ok(worker.output().includes(`prebuilt workflow bundle ${bundle}`), `the worker runs the bundle beside it:\n${worker.output().slice(0, 2000)}`);
    assert.doesNotMatch(worker.output(), /WARNING: older than/, 'no sources next to the build, so nothing to call stale');

    for (const { child } of [api, receiver, worker]) child.kill('SIGTERM');
    const codes = await Promise.all([api.exited, receiver.exited, worker.exited]);
    assert.deepEqual(codes, [0, 0, 0], `each stops cleanly on SIGTERM:\n${api.output().slice(-1000)}\n${receiver.output().slice(-1000)}\n${worker.output().slice(-1000)}`);
  });

  it('runs the one-off commands (admin, start-ad)', () => {
    for (const command of ['admin', 'start-ad']) {
      const result = spawnSync('sh', [path.join(app, 'deploy', 'entrypoint.sh'), command, '--help'], { cwd: app, env: baseEnv, encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 0, `${command} --help:\n${result.stderr}`);
      assert.match(result.stdout, /^Usage: /m);
    }
  });
});
