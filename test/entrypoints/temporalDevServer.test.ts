// `npm run temporal` end to end: a busy port is one line naming it, and a
// server that starts is announced only once it answers, and stops on Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/tools/ports';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = 'src/entrypoints/temporal/main.ts';

async function holdPort(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

for (const [flag, what] of [['port', 'gRPC'], ['ui-port', 'Web UI']] as const) {
  test(`a busy --${flag} exits 2 with one line naming the port`, { timeout: 60_000 }, async () => {
    const held = await holdPort();
    const other = await freePort();
    const dir = await mkdtemp(path.join(tmpdir(), 'npm-temporal-'));
    try {
      const ports = flag === 'port' ? ['--port', String(held.port), '--ui-port', String(other)] : ['--port', String(other), '--ui-port', String(held.port)];
      const result = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...ports, '--db', path.join(dir, 't.sqlite')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.status, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        `configuration error: --${flag}: port ${held.port} (Temporal ${what}) on 127.0.0.1 is already in use, perhaps by another Temporal server; stop it or choose another port with --${flag}`,
      );
      assert.doesNotMatch(result.stdout, /Temporal dev server on/);
    } finally {
      await new Promise((resolve) => held.server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a server that answers is announced with its log file, and Ctrl-C stops it', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'npm-temporal-'));
  try {
    const [port, uiPort] = [await freePort(), await freePort()];
    const db = path.join(dir, 'temporal.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--port', String(port), '--ui-port', String(uiPort), '--db', db], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!stdout.includes('Press Ctrl-C')) {
      if (child.exitCode !== null) assert.fail(`exited early: ${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(stdout, new RegExp(`^Temporal dev server on 127\\.0\\.0\\.1:${port} \\(namespace default\\); Web UI http://127\\.0\\.0\\.1:${uiPort}\\n`));
    assert.match(stdout, new RegExp(`Server log: ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log`));
    // The CLI's own banner goes to the log file, not to this output.
    assert.doesNotMatch(stdout, /CLI .*Server .*UI/);
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.ok(existsSync(`${db}.log`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
