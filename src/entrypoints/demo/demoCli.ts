// The `npm run demo` command line: flags, Ctrl-C, the progress display and
// the closing lines, around runDemo. src/entrypoints/demo/main.ts runs it as is;
// the tests run it with millisecond timings in a child process of their own.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { artifactStoreFromConfig } from '../../artifacts/artifactStoreFromConfig';
import { loadConfig } from '../../config';
import { DevServerStartError } from '../../temporal/devServer';
import { portFlag } from '../portFlag';
import { closingLines, KEEP_RUNNING_COMMAND } from './links';
import { DemoAbortedError, DemoFailedError, runDemo, type DemoOptions } from './runDemo';

export const DEMO_USAGE = `Usage: npm run demo [-- --keep-running] [--ad-id ID] [--port 7233] [--ui-port 8233]

Runs one video ad end to end on this machine and prints where the video was saved.
Everything it starts is stopped when it ends, so its links stop answering then.
  --keep-running   after the ad, keep the Temporal dev server and its Web UI, the simulator, the
                   receiver and the worker up, and print their links, until Ctrl-C (which stops them all)
  --ad-id ID       the ad id (default: demo-<timestamp>)
  --port N         Temporal gRPC port (default 7233; another free port if busy)
  --ui-port N      Temporal Web UI port (default 8233; another free port if busy)
  -h, --help       this text
Note the "--" after "npm run demo": without it npm keeps the flags for itself.
Environment (see README.md): VIDU_API_KEY (use the real API, spends credits), VIDU_BASE_URL,
VIDU_TIMEOUT_MS, CALLBACK_PUBLIC_URL, RECEIVER_HOST/PORT/PATH, AD_TASK_QUEUE, ARTIFACT_DIR
(default ./artifacts; the demo writes to its demo/ folder) or ARTIFACT_STORE (s3://bucket/prefix
with the AWS_* settings; the demo writes under demo/ there), TEMPORAL_CLI_PATH, TEMPORAL_START_TIMEOUT_MS.`;

/** What the tests (and the review console's wiring) may set that the command line does not. */
export type DemoCliOverrides = Partial<Pick<DemoOptions, 'simulatorTiming' | 'polling' | 'watchIntervalMs' | 'workflowBundle' | 'startReviewConsole'>>;

/**
 * `npm run demo --keep-running` (no "--") does not pass the flag: npm takes
 * it as its own setting and hands it to the script as npm_config_keep_running.
 * A newcomer means the flag, so it counts, with a note.
 */
function keepRunningFromNpm(env: NodeJS.ProcessEnv, log: (line: string) => void): boolean {
  const raw = env.npm_config_keep_running;
  if (raw === undefined || raw === '' || raw === 'false') return false;
  log(`(npm took --keep-running for itself; it counts. Next time write: ${KEEP_RUNNING_COMMAND})`);
  return true;
}

/** Runs the demo command; answers its exit status (0 done, 1 failed, 2 usage, 130 interrupted before the ad finished). */
export async function runDemoCli(argv: string[], overrides: DemoCliOverrides = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'keep-running': { type: 'boolean' },
        'ad-id': { type: 'string' },
        port: { type: 'string' },
        'ui-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`error: ${(err as Error).message} (see npm run demo -- --help)`);
    return 2;
  }
  if (values.help) {
    console.log(DEMO_USAGE);
    return 0;
  }
  const config = loadConfig();
  const temporalPort = portFlag(values.port, 'port');
  const uiPort = portFlag(values['ui-port'], 'ui-port');
  // The SDK logs every worker state change at INFO; the demo tells its own story.
  Runtime.install({ logger: new DefaultLogger('WARN') });

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
  const keepRunning = values['keep-running'] === true || keepRunningFromNpm(process.env, log);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    log(`\n${signal}: stopping everything the demo started...`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const outcome = await runDemo({
      artifactDir: path.join(config.artifactDir, 'demo'),
      artifacts: artifactStoreFromConfig(config, { within: 'demo' }),
      temporalPort,
      uiPort,
      temporalCliPath: config.temporalCliPath,
      temporalStartTimeoutMs: config.temporalStartTimeoutMs,
      vidu: config.vidu.apiKey ? { baseUrl: config.vidu.baseUrl, apiKey: config.vidu.apiKey, timeoutMs: config.vidu.timeoutMs } : undefined,
      callbackPublicUrl: config.callbackPublicUrl,
      receiver: config.receiver,
      taskQueue: config.taskQueue,
      adId: values['ad-id'],
      keepRunning,
      signal: controller.signal,
      log,
      progress,
      ...overrides,
    });
    for (const line of closingLines(keepRunning, outcome.links)) log(line);
    return 0;
  } catch (err) {
    // A dev server that did not start says why (command, last output) in its message: no stack trace needed.
    if (!(err instanceof DemoAbortedError || err instanceof DemoFailedError || err instanceof DevServerStartError)) throw err;
    log(`Demo stopped: ${err.message}`);
    return err instanceof DemoAbortedError ? 130 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
