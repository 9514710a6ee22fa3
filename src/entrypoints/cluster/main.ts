// `npm run cluster -- start|stop|status [--dir .data/cluster]`: the local
// Temporal cluster (PostgreSQL plus the frontend, history, matching and worker
// services as separate processes). `start` leaves it running in the background
// and exits; `stop` stops it from any shell; the state stays in the folder.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, runMain } from '../../config';
import { clusterStatus, DEFAULT_HISTORY_SHARDS, startLocalCluster, stopLocalCluster } from '../../cluster/localCluster';
import { TEMPORAL_SERVICES } from '../../cluster/types';
import { PROJECT_ROOT } from '../../tools/projectRoot';

const USAGE = `Usage: npm run cluster -- <start|stop|status> [--dir <folder>] [--history-shards <n>] [--namespace <name>]

  start    start PostgreSQL and the four Temporal services (or adopt those already running), create the
           namespace and the search attributes, print the address, and leave it running
  stop     stop the services and PostgreSQL of the cluster in --dir (its data is kept)
  status   say what runs

  --dir             the cluster's folder: data, config, logs, state (default .data/cluster)
  --history-shards  history shards, fixed at the first start (default ${DEFAULT_HISTORY_SHARDS})
  --namespace       the namespace to create (default: default)`;

function shardsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const shards = Number(value);
  if (!/^\d+$/.test(value.trim()) || shards < 1 || shards > 16_384) {
    throw new ConfigError('--history-shards', `must be a whole number from 1 to 16384 (got "${value}")`);
  }
  return shards;
}

function printStatus(dir: string): boolean {
  const status = clusterStatus(dir);
  if (!status.state) {
    console.log(`No cluster in ${status.dir} yet: \`npm run cluster -- start\` makes one.`);
    return false;
  }
  const pidText = (pid: number | undefined) => (pid === undefined ? 'stopped' : `pid ${pid}`);
  console.log(`Cluster in ${status.dir}: ${status.state.historyShards} history shards, namespace ${status.state.namespace}`);
  console.log(`  PostgreSQL  ${pidText(status.postgresPid)}  (127.0.0.1:${status.state.ports.postgres})`);
  for (const service of TEMPORAL_SERVICES) console.log(`  ${service.padEnd(10)}  ${pidText(status.services[service])}`);
  const up = status.postgresPid !== undefined && TEMPORAL_SERVICES.every((s) => status.services[s] !== undefined);
  console.log(`Frontend: ${status.frontendAddress}${up ? '' : ' (not all parts run: `npm run cluster -- start` starts the rest)'}`);
  console.log(`Use it with:  TEMPORAL_ADDRESS=${status.frontendAddress} TEMPORAL_NAMESPACE=${status.state.namespace}`);
  console.log(`Logs: ${status.logDir}/{frontend,history,matching,worker,postgres}.log`);
  return up;
}

runMain(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: path.join(PROJECT_ROOT, '.data', 'cluster') },
      'history-shards': { type: 'string' },
      namespace: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  const dir = path.resolve(values.dir);
  try {
    switch (command) {
      case 'start': {
        const startedAt = Date.now();
        const historyShards = shardsFlag(values['history-shards']);
        await startLocalCluster({ dir, historyShards, namespace: values.namespace, log: (line) => console.error(line) });
        console.log(`Started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; it keeps running until \`npm run cluster -- stop\`.`);
        printStatus(dir);
        return;
      }
      case 'stop':
        await stopLocalCluster(dir);
        console.log(`Cluster in ${dir} stopped (its data is kept; \`npm run cluster -- start\` starts it again).`);
        return;
      case 'status':
        process.exitCode = printStatus(dir) ? 0 : 3;
        return;
      default:
        throw new ConfigError('command', `must be start, stop or status (got "${command}")\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // The cluster's errors carry the command, the port or the log lines that explain them: the stack adds nothing.
    console.error(`cluster ${command} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
});
