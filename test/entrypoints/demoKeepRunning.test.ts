// `npm run demo -- --keep-running` as a user runs it, in a child process with
// its own Temporal dev server: after the ad it keeps every server up and
// prints their links; Ctrl-C (SIGINT) then stops them all, exits 0, and leaves
// no process behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { freePort } from '../../src/tools/ports';
import { answers, isAlive } from '../support/probes';
import { suiteTempDir } from '../support/suiteResource';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'demoCliChild.ts');

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name before it may hold spaces, so read after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid !== parent) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function describeProcess(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()} (state ${stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)})`;
  } catch {
    return `${pid}`;
  }
}

/** The URL on the output line that contains `label`. */
function urlOn(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.includes(label));
  assert.ok(line, `no output line contains "${label}":\n${output}`);
  return /(http:\/\/\S+)/.exec(line)![1]!;
}

describe('demo --keep-running', { skip: process.platform !== 'linux' && 'reads /proc to find the processes the demo started' }, () => {
  const artifacts = suiteTempDir('demo-keep-running-');

  it('keeps the dev server, Web UI, simulator and receiver up after the ad until SIGINT, then stops them all and exits 0', async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, ARTIFACT_DIR: artifacts.path };
    for (const name of ['VIDU_API_KEY', 'CALLBACK_PUBLIC_URL', 'npm_config_keep_running']) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, '--keep-running', '--port', String(port), '--ui-port', String(uiPort), '--ad-id', `keep-${process.pid}-${Date.now().toString(36)}`], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let started: number[] = [];
    try {
      const deadline = Date.now() + 150_000;
      while (!stdout.includes('Press Ctrl-C') && child.exitCode === null && Date.now() < deadline) await sleep(200);
      assert.ok(stdout.includes('Press Ctrl-C'), `the demo should finish its ad and wait:\n${stdout}\n${stderr}`);
      assert.match(stdout, /Ad \S+ is done/);

      started = descendants(child.pid!);
      assert.ok(started.length > 0, 'the demo runs its Temporal dev server as a child process');
      const links = { webUi: urlOn(stdout, 'Temporal Web UI:'), simulator: urlOn(stdout, 'Vidu simulator:'), receiver: urlOn(stdout, 'webhook receiver:') };
      assert.equal(new URL(links.webUi).port, String(uiPort));

      // Past the ad's end, everything still answers.
      await sleep(1_500);
      assert.equal(child.exitCode, null, 'the demo is still running');
      for (const [name, url] of Object.entries(links)) assert.ok(await answers(url, 3_000), `${name} answers at ${url}`);

      child.kill('SIGINT');
      const code = await exited;
      assert.equal(code, 0, `Ctrl-C after the ad is a normal end:\n${stdout}\n${stderr}`);
      assert.match(stdout, /Demo finished; everything it started has been stopped\./);
      for (const [name, url] of Object.entries(links)) assert.ok(!(await answers(url, 3_000)), `${name} is stopped (${url})`);
      // A helper that ends when its parent has gone (tsx's esbuild service) may take a moment.
      for (let waited = 0; started.some(isAlive) && waited < 5_000; waited += 100) await sleep(100);
      const left = started.filter(isAlive).map(describeProcess);
      assert.deepEqual(left, [], `no process the demo started is left: ${left.join(', ')}`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const pid of started.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  });
});
