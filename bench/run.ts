// `npm run bench [-- names...] [--flags]`: runs the benchmarks one after the
// other and prints their figures (a table each, then one JSON line per
// result). Every case is bounded by a count and a time limit, everything
// listens on 127.0.0.1, and a watchdog ends a run that overstays its limit.
//   npm run bench                       all of them at full size (about 10 minutes on 2 cores)
//   npm run bench -- --quick            the limits and the receiver at small sizes, under 3 minutes
//   npm run bench -- client receiver    only these
//   npm run bench -- cluster            the ads on the local Temporal cluster beside the dev server (only when named)
//   npm run bench -- --help             names and flags
// The last line of every run is one JSON object: the run's headline figures.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { adThroughput } from './adThroughput';
import { apiStatusLatency } from './apiStatusLatency';
import { callbackSignature } from './callbackSignature';
import { clientAgainstSimulator } from './clientAgainstSimulator';
import { clusterThroughput } from './clusterThroughput';
import { limits, LIMIT_PHASES } from './limits';
import { FULL_SIZES, QUICK_SIZES } from './limits/sizes';
import { receiver } from './receiver';
import type { BenchOptions, Benchmark, SummaryValue } from './support/benchmark';
import { describeMachine, Reporter } from './support/report';
import { prepareTemporal, TemporalResources } from './support/temporal';

const BENCHMARKS: Benchmark[] = [callbackSignature, clientAgainstSimulator, receiver, adThroughput, apiStatusLatency, limits];
/** Run only when named: they start more than the machine's usual share (the cluster: PostgreSQL and four Temporal services). */
const ON_REQUEST: Benchmark[] = [clusterThroughput];
/** The benchmarks that start no Temporal dev server: a run of only these needs no Temporal server. */
const WITHOUT_TEMPORAL: Benchmark[] = [callbackSignature, clientAgainstSimulator];
/** What `--quick` runs when no names are given. */
const QUICK_BENCHMARKS = [limits, receiver];
/** The receiver's cases in quick mode: shorter, fewer levels. */
const QUICK_RECEIVER = { seconds: '2', concurrency: '1,8,32' };

const FLAGS = {
  seconds: { type: 'string', default: '4' },
  concurrency: { type: 'string', default: '1,8,32' },
  requests: { type: 'string', default: '5000' },
  connections: { type: 'string' },
  images: { type: 'string', default: '7' },
  'image-kb': { type: 'string', default: '1000' },
  validations: { type: 'string', default: '40' },
  verifications: { type: 'string', default: '200000' },
  callbacks: { type: 'string', default: '2000' },
  workflows: { type: 'string', default: '16' },
  ads: { type: 'string', default: '20' },
  'ad-timeout': { type: 'string', default: '120' },
  'status-reads': { type: 'string', default: '200' },
  'time-limit': { type: 'string' },
  quick: { type: 'boolean', default: false },
  phases: { type: 'string', default: 'throughput,account,campaign,lost,parked,images' },
  'transfer-poll-rps': { type: 'string' },
  'worker-cache': { type: 'string' },
  'round-size': { type: 'string' },
  rounds: { type: 'string' },
  parked: { type: 'string' },
  'account-ads': { type: 'string' },
  'campaign-variants': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const HELP: Record<keyof typeof FLAGS, string> = {
  seconds: 'time limit of each measured case, in seconds',
  concurrency: 'concurrency levels of the request benchmarks',
  requests: 'client: most requests per case',
  connections: "client: keep-alive connections (default: the client's own, 10)",
  images: 'client: images in the create request (1-7)',
  'image-kb': 'client: size of each image, in kB',
  validations: 'client: most create-request validations',
  verifications: 'signature: most verifications per case',
  callbacks: 'receiver: most callbacks per case',
  workflows: 'receiver: workflows the signals are spread over',
  ads: 'ads, cluster: ads run end to end',
  'ad-timeout': 'ads, status: seconds before unfinished ads are cancelled (status: the wait for review and for the close)',
  'status-reads': 'status: most GET /v1/ads/{id} requests per case',
  'time-limit': 'seconds the whole run may take before the watchdog ends it, counted once the Temporal server is found or built (default: 175 with --quick, else 1800)',
  quick: 'small sizes, under 3 minutes: the limits and the receiver unless names are given',
  phases: 'limits: which phases run, in order',
  'transfer-poll-rps': "the dev server's history.transferProcessorMaxPollRPS (default: the project's, 200; the server's own is 20)",
  'worker-cache': "limits: the workers' WORKER_MAX_CACHED_WORKFLOWS (default: the project's)",
  'round-size': 'limits: ads (and baseline workflows) per throughput round (quick 50, full 100)',
  rounds: 'limits: throughput rounds of each kind (quick 2, full 4)',
  parked: 'limits: ads parked for the memory figure (quick 300, full 2000)',
  'account-ads': 'limits: ads started at once against the 5-task account limit (quick 200, full 1000)',
  'campaign-variants': 'limits: variants of the campaign under a budget, rounded to whole products of 6 (quick 30, full 300)',
  out: 'also append the JSON lines to this file',
  help: 'show this help',
};

class UsageError extends Error {}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
}

function usage(): string {
  const names = [...BENCHMARKS, ...ON_REQUEST].map((b) => `  ${b.name.padEnd(10)} (${b.alias}) ${b.summary}`).join('\n');
  const flags = Object.entries(FLAGS)
    .map(([name, spec]) => `  --${name.padEnd(14)} ${HELP[name as keyof typeof FLAGS]}${'default' in spec && spec.type === 'string' ? ` [${spec.default}]` : ''}`)
    .join('\n');
  return `usage: npm run bench -- [name...] [--flag value...]\n\nbenchmarks:\n${names}\n\nflags:\n${flags}\n`;
}

interface Parsed {
  selected: Benchmark[];
  options: BenchOptions;
  timeLimitMs: number;
  quick: boolean;
  dynamicConfig: Record<string, number>;
  out?: string;
  help: boolean;
}

function parse(argv: string[]): Parsed {
  const { values, positionals } = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  const quick = Boolean(values.quick);
  if (quick) {
    // Quick sizes unless a flag says otherwise.
    const given = (flag: string) => argv.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
    if (!given('seconds')) values.seconds = QUICK_RECEIVER.seconds;
    if (!given('concurrency')) values.concurrency = QUICK_RECEIVER.concurrency;
  }
  const defaults = quick ? QUICK_SIZES : FULL_SIZES;
  const optional = (flag: keyof typeof FLAGS, fallback: number, min: number, max: number) =>
    values[flag] === undefined ? fallback : wholeNumber(flag, String(values[flag]), min, max);
  const limitPhases = String(values.phases).split(',').map((name) => name.trim());
  for (const name of limitPhases) if (!LIMIT_PHASES[name]) throw new UsageError(`--phases: unknown phase "${name}" (use ${Object.keys(LIMIT_PHASES).join(', ')})`);
  const selected = positionals.length === 0 ? (quick ? QUICK_BENCHMARKS : BENCHMARKS) : positionals.map((name) => {
    const found = [...BENCHMARKS, ...ON_REQUEST].find((b) => b.name === name || b.alias === name);
    if (!found) throw new UsageError(`unknown benchmark "${name}": use one of ${[...BENCHMARKS, ...ON_REQUEST].map((b) => b.name).join(', ')}`);
    return found;
  });
  const concurrency = String(values.concurrency).split(',').map((part) => wholeNumber('concurrency', part, 1, 1024));
  const options: BenchOptions = {
    caseMs: wholeNumber('seconds', String(values.seconds), 1, 600) * 1000,
    concurrency,
    requests: wholeNumber('requests', String(values.requests), 1, 10_000_000),
    connections: values.connections === undefined ? undefined : wholeNumber('connections', String(values.connections), 1, 1024),
    images: wholeNumber('images', String(values.images), 1, 7),
    imageBytes: wholeNumber('image-kb', String(values['image-kb']), 1, 2_800) * 1000,
    validations: wholeNumber('validations', String(values.validations), 1, 1_000_000),
    verifications: wholeNumber('verifications', String(values.verifications), 1, 100_000_000),
    callbacks: wholeNumber('callbacks', String(values.callbacks), 1, 1_000_000),
    workflows: wholeNumber('workflows', String(values.workflows), 1, 1000),
    ads: wholeNumber('ads', String(values.ads), 1, 1000),
    adTimeoutMs: wholeNumber('ad-timeout', String(values['ad-timeout']), 5, 3600) * 1000,
    statusReads: wholeNumber('status-reads', String(values['status-reads']), 1, 1_000_000),
    limits: {
      ...defaults,
      roundSize: optional('round-size', defaults.roundSize, 1, 10_000),
      rounds: optional('rounds', defaults.rounds, 1, 100),
      parkedAds: optional('parked', defaults.parkedAds, 1, 100_000),
      accountLimitAds: optional('account-ads', defaults.accountLimitAds, 1, 100_000),
      campaignVariants: optional('campaign-variants', defaults.campaignVariants, 6, 1_000),
    },
    limitPhases,
    maxCachedWorkflows: values['worker-cache'] === undefined ? undefined : wholeNumber('worker-cache', String(values['worker-cache']), 0, 100_000),
  };
  // 7 images of 2.8 MB stay (as base64) under Vidu's 20 MB body limit; bigger ones would measure a rejection.
  if (options.images * options.imageBytes * 4 / 3 > 19_500_000) {
    throw new UsageError('--images x --image-kb must stay under Vidu\'s 20 MB body limit once base64-encoded (at most about 14,600 kB in total)');
  }
  return {
    selected,
    options,
    timeLimitMs: optional('time-limit', quick ? 175 : 1800, 10, 86_400) * 1000,
    quick,
    dynamicConfig: values['transfer-poll-rps'] === undefined ? {} : { 'history.transferProcessorMaxPollRPS': wholeNumber('transfer-poll-rps', String(values['transfer-poll-rps']), 1, 100_000) },
    out: values.out === undefined ? undefined : String(values.out),
    help: Boolean(values.help),
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bench: ${(err as Error).message} (see --help)`);
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(usage());
    return 0;
  }
  const report = new Reporter(undefined, parsed.out);
  report.line(`bench: ${parsed.selected.map((b) => b.name).join(', ')} on ${report.machineLine()}`);
  // Before the clock: on a fresh machine this builds the Temporal server and Web UI (minutes), which is no benchmark's time.
  let cliPath: string | undefined;
  if (parsed.selected.some((bench) => !WITHOUT_TEMPORAL.includes(bench))) {
    const prepared = prepareTemporal(loadConfig().temporalCliPath);
    cliPath = prepared.cliPath;
    report.line(`bench: ${prepared.line}`);
  }
  const temporal = new TemporalResources(parsed.dynamicConfig, cliPath);
  const summary: Record<string, SummaryValue> = {};
  const overall = new AbortController();
  const started = Date.now();
  report.line(`bench: the ${parsed.timeLimitMs / 1000} s time limit counts from now`);

  // The watchdog: first ask the benchmarks to stop starting work, then, if they still hang, end the process.
  const watchdog = setTimeout(() => {
    console.error(`bench: the run passed its ${parsed.timeLimitMs / 1000} s limit; stopping`);
    overall.abort();
    setTimeout(() => {
      console.error('bench: still running 30 s after the limit; exiting');
      process.exit(1);
    }, 30_000).unref();
  }, parsed.timeLimitMs);
  watchdog.unref();

  let failures = 0;
  try {
    for (const bench of parsed.selected) {
      if (overall.signal.aborted) break;
      report.heading(`${bench.name}: ${bench.summary}`);
      const t0 = Date.now();
      try {
        await bench.run({ options: parsed.options, report, temporal, signal: overall.signal, summary });
        report.line(`(${bench.name} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failures++;
        console.error(`bench ${bench.name} failed:`, err);
      }
    }
  } finally {
    await temporal.close();
    clearTimeout(watchdog);
  }
  const seconds = (Date.now() - started) / 1000;
  report.line(`\nbench: done in ${seconds.toFixed(1)} s${failures ? `, ${failures} benchmark(s) failed` : ''}`);
  // The contract: the last line is one JSON object with the run's headline figures.
  report.line(JSON.stringify({ mode: parsed.quick ? 'quick' : 'full', benchmarks: parsed.selected.map((b) => b.name), ...summary, failures, aborted: overall.signal.aborted, seconds: Math.round(seconds), machine: describeMachine() }));
  return failures || overall.signal.aborted ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
