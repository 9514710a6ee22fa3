// `npm run temporal`: the local Temporal dev server for development, with the
// state in .data/temporal.sqlite (it survives restarts), gRPC on 7233 and the
// Web UI on 8233. Stops on Ctrl-C.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, runMain } from '../../config';
import { DevServerStartError, startDevServer } from '../../temporal/devServer';
import { PROJECT_ROOT } from '../../tools/projectRoot';
import { resolveTemporalExecutable } from '../../temporal/temporalBinary';
import { isPortFree } from '../../tools/ports';
import { portFlag } from '../portFlag';
import { untilStopSignal } from '../untilStopSignal';

const IP = '127.0.0.1';

runMain(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7233' },
      'ui-port': { type: 'string', default: '8233' },
      db: { type: 'string', default: path.join(PROJECT_ROOT, '.data', 'temporal.sqlite') },
    },
  });
  const port = portFlag(values.port, 'port')!;
  const uiPort = portFlag(values['ui-port'], 'ui-port')!;
  const config = loadConfig();
  // A wrong TEMPORAL_CLI_PATH is reported before any port: it is the same mistake whatever the ports.
  resolveTemporalExecutable(config.temporalCliPath);
  // Checked before the start so a busy port is one line naming it, not a server announced that never started
  // (most often: another `npm run temporal` or the demo is still running).
  for (const [flag, value, what] of [['port', port, 'gRPC'], ['ui-port', uiPort, 'Web UI']] as const) {
    if (!(await isPortFree(value, IP))) {
      throw new ConfigError(`--${flag}`, `port ${value} (Temporal ${what}) on ${IP} is already in use, perhaps by another Temporal server; stop it or choose another port with --${flag}`);
    }
  }
  let server;
  try {
    server = await startDevServer({ ip: IP, port, uiPort, dbFilename: values.db, temporalCliPath: config.temporalCliPath, startTimeoutMs: config.temporalStartTimeoutMs });
  } catch (err) {
    if (!(err instanceof DevServerStartError)) throw err;
    // The message already holds the command and the server's last output.
    console.error(err.message);
    process.exit(1);
  }
  console.log(`Temporal dev server on ${server.address} (namespace ${server.namespace}); Web UI ${server.uiUrl}`);
  if (server.logFile) console.log(`Server log: ${server.logFile}`);
  console.log('Press Ctrl-C to stop.');
  await untilStopSignal();
  await server.stop();
});
