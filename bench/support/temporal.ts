// One real Temporal dev server (in memory, a free port on 127.0.0.1) and one
// workflow bundle per `npm run bench`, started only when a benchmark asks for
// them and stopped when the run ends.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
import { resolveTemporalExecutable, type TemporalExecutable } from '../../src/temporal/temporalBinary';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleAdWorkflowCode } from '../../src/temporal/workflowCode';

export interface SharedTemporal {
  address: string;
  namespace: string;
  startupMs: number;
}

export interface WorkflowBundleFile {
  path: string;
  bytes: number;
  bundleMs: number;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface PreparedTemporal {
  /** A user's Temporal CLI to start the dev server with; undefined: the project's server build, or the SDK's download. */
  cliPath?: string;
  /** One line for the report: what runs the dev server, where from, and how long finding or building it took. */
  line: string;
}

/**
 * Finds what runs the dev server, or builds the project's Temporal server and
 * Web UI with Go on a fresh machine (minutes the first time), before the
 * run's clock starts: the time limit measures the benchmarks, not a one-off
 * build. `resolve` is the project's lookup (src/temporal/temporalBinary.ts),
 * replaceable in tests.
 */
export function prepareTemporal(
  configuredPath: string | undefined,
  resolve: (cliPath: string | undefined, log: (line: string) => void) => TemporalExecutable = resolveTemporalExecutable,
  log: (line: string) => void = (line) => console.error(line),
  now: () => number = () => performance.now(),
): PreparedTemporal {
  const t0 = now();
  const executable = resolve(configuredPath, log);
  const took = `${((now() - t0) / 1000).toFixed(1)} s`;
  const before = `found or built in ${took} before the clock started (not counted in the time limit)`;
  switch (executable.type) {
    case 'cached-download':
      return { line: `Temporal: no CLI here and no Go to build the server (${took}); the SDK downloads its CLI when the dev server first starts, within the time limit` };
    case 'cli':
      return { cliPath: executable.path, line: `Temporal CLI: ${executable.path}, ${executable.source === 'PATH' ? 'on PATH' : 'named by TEMPORAL_CLI_PATH'}, ${before}` };
    case 'server':
      return { line: `Temporal server and Web UI: ${executable.server} and ${executable.ui}, the project-local builds in .tools/bin, ${before}` };
  }
}

export class TemporalResources {
  private server?: Promise<{ server: DevServer; startupMs: number }>;
  private readonly bundles = new Map<string, Promise<WorkflowBundleFile>>();
  private bundleDir?: Promise<string>;

  /**
   * `dynamicConfig` replaces the project's dev server defaults (see DEV_DYNAMIC_CONFIG);
   * `temporalCliPath`, the CLI prepareTemporal found (else TEMPORAL_CLI_PATH and the usual lookup).
   */
  constructor(
    private readonly dynamicConfig: Readonly<Record<string, number>> = {},
    private readonly temporalCliPath?: string,
  ) {}

  devServer(): Promise<SharedTemporal> {
    this.server ??= (async () => {
      const t0 = performance.now();
      const config = loadConfig();
      const server = await startDevServer({
        ip: '127.0.0.1',
        port: 0,
        temporalCliPath: this.temporalCliPath ?? config.temporalCliPath,
        startTimeoutMs: config.temporalStartTimeoutMs,
        dynamicConfig: this.dynamicConfig,
      });
      return { server, startupMs: performance.now() - t0 };
    })();
    return this.server.then(({ server, startupMs }) => ({ address: server.address, namespace: server.namespace, startupMs }));
  }

  /** The ad workflow bundled once, written to a file a worker process can load. */
  workflowBundle(): Promise<WorkflowBundleFile> {
    return this.bundleOf('ad', () => bundleAdWorkflowCode(quietLogger));
  }

  /** The baseline workflow (bench/support/baselineWorkflow.ts), bundled once. */
  baselineBundle(): Promise<WorkflowBundleFile> {
    return this.bundleOf('baseline', () => bundleWorkflowCode({ workflowsPath: require.resolve('./baselineWorkflow'), logger: quietLogger }));
  }

  private bundleOf(name: string, bundle: () => Promise<{ code: string }>): Promise<WorkflowBundleFile> {
    let built = this.bundles.get(name);
    if (!built) {
      built = (async () => {
        const t0 = performance.now();
        const { code } = await bundle();
        this.bundleDir ??= mkdtemp(path.join(tmpdir(), 'bench-bundle-'));
        const file = path.join(await this.bundleDir, `${name}-workflow-bundle.js`);
        await writeFile(file, code);
        return { path: file, bytes: Buffer.byteLength(code), bundleMs: performance.now() - t0 };
      })();
      this.bundles.set(name, built);
    }
    return built;
  }

  async close(): Promise<void> {
    const server = await this.server?.catch(() => undefined);
    await server?.server.stop();
    const dir = await this.bundleDir?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
