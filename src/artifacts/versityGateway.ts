// A real S3-compatible server on this machine, for tests and local trials of
// the S3 artifact store: the Versity S3 Gateway (versitygw, Apache-2.0) with
// its POSIX backend, which keeps each bucket as a folder and each object as a
// file under it. Built from its Go module into .tools/bin on first use; runs
// on a free loopback port with root credentials made up for this start.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChildProcess } from '../tools/childProcess';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../tools/ports';
import { OutputTail } from '../temporal/outputTail';
import { ensureGoTool, GO_TOOLS } from '../tools/goTools';

export interface VersityGatewayOptions {
  /** The POSIX backend's root: each bucket is a folder in it. Created when missing; kept after stop. */
  dir: string;
  /** Created at start when it does not exist yet (default "artifacts"). */
  bucket?: string;
  /** The region the gateway reports and signs for (default "us-east-1"). */
  region?: string;
  /** How long the gateway may take to answer (default 30 s). */
  startTimeoutMs?: number;
  /** Progress lines (the first start builds versitygw); default: stderr. */
  log?: (line: string) => void;
}

export interface VersityGateway {
  /** http://127.0.0.1:<port>: use it with path-style addressing. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** The gateway's process id. */
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const CHECK_EVERY_MS = 100;
const STOP_GRACE_MS = 5_000;
const PORT_TRIES = 3;

/** Whether anything answers HTTP at `endpoint` (an S3 server answers an unsigned request with 403). */
function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(endpoint, { method: 'GET', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

interface Started {
  child: ChildProcess;
  endpoint: string;
}

/** One start on one port; undefined when the gateway exited before answering (a port taken meanwhile). */
async function startOnce(binary: string, dir: string, region: string, credentials: { accessKeyId: string; secretAccessKey: string }, timeoutMs: number, tail: OutputTail): Promise<Started | undefined> {
  const port = await freePort('127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['--port', `127.0.0.1:${port}`, '--region', region, '--quiet', 'posix', dir], {
    // Credentials go through the environment, not the command line other users can read in `ps`.
    env: { ...process.env, ROOT_ACCESS_KEY_ID: credentials.accessKeyId, ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tail.follow(child.stdout!);
  tail.follow(child.stderr!);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`versitygw could not be started (${binary}): ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) return undefined;
    if (await answers(endpoint)) return { child, endpoint };
    await sleep(CHECK_EVERY_MS);
  }
  await stopChildProcess(child, STOP_GRACE_MS);
  throw new Error(`versitygw did not answer on ${endpoint} within ${timeoutMs} ms. Its last output:\n${tail.last(20).join('\n')}`);
}

export async function startVersityGateway(options: VersityGatewayOptions): Promise<VersityGateway> {
  const binary = ensureGoTool(GO_TOOLS.versitygw, options.log);
  const region = options.region ?? 'us-east-1';
  const bucket = options.bucket ?? 'artifacts';
  const credentials = { accessKeyId: `vgw${randomBytes(8).toString('hex')}`, secretAccessKey: randomBytes(24).toString('base64url') };
  await mkdir(options.dir, { recursive: true });
  const tail = new OutputTail(50);
  let started: Started | undefined;
  for (let attempt = 1; attempt <= PORT_TRIES && !started; attempt++) {
    started = await startOnce(binary, options.dir, region, credentials, options.startTimeoutMs ?? 30_000, tail);
  }
  if (!started) throw new Error(`versitygw exited before answering, ${PORT_TRIES} times. Its last output:\n${tail.last(20).join('\n')}`);
  const { child, endpoint } = started;

  const client = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!(err instanceof BucketAlreadyOwnedByYou)) {
      await stopChildProcess(child, STOP_GRACE_MS);
      throw err;
    }
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    region,
    ...credentials,
    bucket,
    pid: child.pid!,
    stop: () => stopChildProcess(child, STOP_GRACE_MS),
  };
}
