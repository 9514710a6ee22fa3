// `npm run demo`: the whole product on one machine, with no API key and no
// network: Temporal dev server (Web UI on 8233), Vidu simulator, worker and
// webhook receiver, then one ad from the sample photos through review, one
// storyboard edit, approval and composition. With VIDU_API_KEY set it uses
// the real Vidu API instead (callbacks when CALLBACK_PUBLIC_URL is set,
// polling otherwise). Ends by itself; --keep-running leaves the servers up
// until Ctrl-C. Nothing keeps running after it exits.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, runMain } from '../config';
import { DevServerStartError } from '../temporal/devServer';
import { DemoAbortedError, DemoFailedError, runDemo } from './demo/runDemo';
import { portFlag } from './portFlag';

const USAGE = `Usage: npm run demo [-- --keep-running] [--ad-id ID] [--port 7233] [--ui-port 8233]

Runs one video ad end to end on this machine and prints where the video was saved.
  --keep-running   keep Temporal, its Web UI and the simulator up after the ad is done (Ctrl-C stops)
  --ad-id ID       the ad id (default: demo-<timestamp>)
  --port N         Temporal gRPC port (default 7233; another free port if busy)
  --ui-port N      Temporal Web UI port (default 8233; another free port if busy)
Environment: VIDU_API_KEY (use the real API), VIDU_BASE_URL, CALLBACK_PUBLIC_URL, ARTIFACT_DIR, TEMPORAL_CLI_PATH, TEMPORAL_START_TIMEOUT_MS.`;

runMain(async () => {
  const { values } = parseArgs({
    options: {
      'keep-running': { type: 'boolean' },
      'ad-id': { type: 'string' },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  // The SDK logs every worker state change at INFO; the demo tells its own story.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    console.log(`\n${signal}: stopping everything the demo started...`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // On a terminal the progress line is redrawn in place; in a log it is one line per change.
  const tty = process.stdout.isTTY === true;
  let progressShown = false;
  const endProgress = () => {
    if (progressShown) process.stdout.write('\n');
    progressShown = false;
  };
  const log = (line: string) => {
    if (tty) endProgress();
    console.log(line);
  };
  const progress = (line: string) => {
    if (!tty) return console.log(`  ${line}`);
    process.stdout.write(`\r\x1b[K  ${line}`);
    progressShown = true;
  };

  try {
    await runDemo({
      artifactDir: path.join(config.artifactDir, 'demo'),
      temporalPort: portFlag(values.port, 'port'),
      uiPort: portFlag(values['ui-port'], 'ui-port'),
      temporalCliPath: config.temporalCliPath,
      temporalStartTimeoutMs: config.temporalStartTimeoutMs,
      vidu: config.vidu.apiKey ? { baseUrl: config.vidu.baseUrl, apiKey: config.vidu.apiKey, timeoutMs: config.vidu.timeoutMs } : undefined,
      callbackPublicUrl: config.callbackPublicUrl,
      receiver: config.receiver,
      taskQueue: config.taskQueue,
      adId: values['ad-id'],
      keepRunning: values['keep-running'],
      signal: controller.signal,
      log,
      progress,
    });
    log('Demo finished; everything it started has been stopped.');
  } catch (err) {
    // A dev server that did not start says why (command, last output) in its message: no stack trace needed.
    if (!(err instanceof DemoAbortedError || err instanceof DemoFailedError || err instanceof DevServerStartError)) throw err;
    log(`Demo stopped: ${err.message}`);
    process.exitCode = err instanceof DemoAbortedError ? 130 : 1;
  }
  // Everything is closed; should a stray handle remain, it must not keep the command alive.
  setTimeout(() => process.exit(), 2_000).unref();
});
