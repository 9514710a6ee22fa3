// `npm run temporal`: the local Temporal dev server for development, with the
// state in .data/temporal.sqlite (it survives restarts), gRPC on 7233 and the
// Web UI on 8233. Stops on Ctrl-C.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, runMain } from '../config';
import { startDevServer } from '../temporal/devServer';
import { PROJECT_ROOT } from '../temporal/projectRoot';
import { portFlag } from './portFlag';
import { untilStopSignal } from './untilStopSignal';

runMain(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7233' },
      'ui-port': { type: 'string', default: '8233' },
      db: { type: 'string', default: path.join(PROJECT_ROOT, '.data', 'temporal.sqlite') },
    },
  });
  const config = loadConfig();
  const server = await startDevServer({
    port: portFlag(values.port, 'port'),
    uiPort: portFlag(values['ui-port'], 'ui-port'),
    dbFilename: values.db,
    temporalCliPath: config.temporalCliPath,
    startTimeoutMs: config.temporalStartTimeoutMs,
  });
  console.log(`Temporal dev server on ${server.address} (namespace ${server.namespace}); Web UI ${server.uiUrl}`);
  console.log('Press Ctrl-C to stop.');
  await untilStopSignal();
  await server.stop();
});
