// The container health check (Dockerfile HEALTHCHECK, docker-compose.yml):
// exit 0 when the entry point running in this container does its job, 1 when
// not, with one line saying why. The command to check is the first argument,
// else the one deploy/entrypoint.sh recorded at start.
//   receiver, api: their /healthz answers 200 on the configured port;
//   worker: Temporal lists this container's worker among the task queue's
//     pollers (a worker that lost Temporal, or never got going, is unhealthy);
//   simulator: it answers on its --host and --port;
//   start-ad, admin: one-off commands, nothing to watch.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../src/config';
import { connectClient } from '../src/temporal/connection';

const TIMEOUT_MS = 5_000;

function recordedCommand(): string[] {
  try {
    return readFileSync('/tmp/container-command', 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function answers(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    return res.ok ? undefined : `${url} answered ${res.status}`;
  } catch (err) {
    return `${url} did not answer (${(err as Error).message})`;
  }
}

/** The SDK names a worker `<pid>@<hostname>` by default, and the container's hostname is its own. */
async function workerPolls(): Promise<string | undefined> {
  const config = loadConfig();
  const client = await connectClient();
  try {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: config.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const mine = pollers.some((poller) => poller.identity?.endsWith(`@${hostname()}`));
    return mine ? undefined : `no worker of this container (${hostname()}) polls task queue "${config.taskQueue}"`;
  } finally {
    await client.connection.close();
  }
}

function flagValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Where the simulator listens: its --host (a wildcard or none means loopback). */
function simulatorHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function check(command: string | undefined, args: string[]): Promise<string | undefined> {
  switch (command) {
    case 'receiver':
      return answers(`http://127.0.0.1:${loadConfig().receiver.port}/healthz`);
    case 'api':
      return answers(`http://127.0.0.1:${loadConfig().api.port}/healthz`);
    case 'worker':
      return workerPolls();
    case 'simulator':
      return answers(`http://${simulatorHost(flagValue(args, '--host'))}:${flagValue(args, '--port') ?? '8089'}/_simulator/counters`);
    case 'start-ad':
    case 'admin':
      return undefined;
    default:
      return `nothing known to check for "${command ?? ''}" (give receiver, api, worker or simulator)`;
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv[2] ? process.argv.slice(2) : recordedCommand();
  let problem: string | undefined;
  try {
    problem = await check(command, args);
  } catch (err) {
    problem = (err as Error).message.split('\n')[0];
  }
  if (problem) {
    console.error(`unhealthy: ${problem}`);
    process.exit(1);
  }
  console.log(`healthy: ${command}`);
  process.exit(0);
}

void main();
