// Runs the simulator as its own process: `npm run simulator -- --port 8089`.
// --media (or VIDU_SIM_MEDIA) picks real rendered media files or placeholders.
import { parseArgs } from 'node:util';
import { untilStopSignal } from '../untilStopSignal';
import { startViduSimulator, type SimulatorOptions } from '../../simulator/index';
import { isMediaMode } from '../../simulator/options';

const USAGE = `usage: tsx src/entrypoints/simulator/main.ts [--port 8089] [--host 127.0.0.1] [--api-key sim-key]
  [--queue-ms N] [--processing-ms N] [--progress-steps N] [--concurrency-limit N]
  [--media-ttl-ms N] [--credits N] [--callback-retry-delay-ms N] [--quiet]
  [--media rendered|placeholder]   media URLs serve real files rendered with ffmpeg (H.264 MP4,
                                   MP3, PNG; the default) or small placeholder files at once;
                                   the default can also be set with VIDU_SIM_MEDIA`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number (got "${value}")`);
  return parsed;
}

function mediaFlag(value: string | undefined): SimulatorOptions['media'] {
  if (value === undefined || value === '') return undefined;
  if (isMediaMode(value)) return value;
  throw new Error(`--media (or VIDU_SIM_MEDIA) must be rendered or placeholder (got "${value}")`);
}

function optionsFromArgs(args: string[]): SimulatorOptions {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8089' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string', default: 'sim-key' },
      'queue-ms': { type: 'string' },
      'processing-ms': { type: 'string' },
      'media-ttl-ms': { type: 'string' },
      'progress-steps': { type: 'string' },
      'concurrency-limit': { type: 'string' },
      credits: { type: 'string' },
      'callback-retry-delay-ms': { type: 'string' },
      media: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    port: numberFlag('port', values.port),
    host: values.host,
    apiKey: values['api-key'],
    timing: {
      queueMs: numberFlag('queue-ms', values['queue-ms']),
      processingMs: numberFlag('processing-ms', values['processing-ms']),
      progressSteps: numberFlag('progress-steps', values['progress-steps']),
    },
    concurrencyLimit: numberFlag('concurrency-limit', values['concurrency-limit']),
    mediaTtlMs: numberFlag('media-ttl-ms', values['media-ttl-ms']),
    initialCredits: numberFlag('credits', values.credits),
    callbackRetryDelayMs: numberFlag('callback-retry-delay-ms', values['callback-retry-delay-ms']),
    media: mediaFlag(values.media ?? process.env.VIDU_SIM_MEDIA),
    log: values.quiet ? undefined : (line) => console.log(`[simulator] ${line}`),
  };
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  let simulator;
  try {
    simulator = await startViduSimulator(options);
  } catch (error) {
    console.error(`cannot start the simulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.log(`Vidu simulator ready at ${simulator.url} (api key "${simulator.apiKey}")`);
  const signal = await untilStopSignal();
  console.log(`[simulator] ${signal}: shutting down`);
  await simulator.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
