// Runs main.ts as its own process, talks to it with a hand-written HTTP
// request over a raw socket, then stops it with SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import path from 'node:path';

const MAIN = path.resolve(__dirname, '../../src/entrypoints/simulator/main.ts');

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

test('main.ts starts on the given port, answers a raw request, and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--api-key', 'child-key', '--credits', '777', '--queue-ms', '5'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (output += chunk));
    const url = await new Promise<URL>((resolve, reject) => {
      const look = () => {
        const match = /ready at (http:\/\/\S+)/.exec(output);
        if (match) resolve(new URL(match[1]!));
      };
      child.stdout.on('data', look);
      child.once('exit', (code) => reject(new Error(`main.ts exited early (${code}): ${output}`)));
    });
    const port = Number(url.port);
    assert.ok(port > 0);

    const reply = await rawRequest(
      port,
      `GET /ent/v2/credits HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Token child-key\r\nConnection: close\r\n\r\n`,
    );
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(reply, /content-type: application\/json/i);
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { remains: Array<{ credit_remain: number }>; concurrency_limit: number };
    assert.equal(body.remains[0]!.credit_remain, 777);
    assert.equal(body.concurrency_limit, 5);

    const unauthorized = await rawRequest(port, `GET /ent/v2/credits HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token sim-key\r\nConnection: close\r\n\r\n`);
    assert.match(unauthorized, /^HTTP\/1\.1 401 /);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
