// One real Temporal dev server (in memory, a free port on 127.0.0.1) and one
// workflow bundle per `npm run bench`, started only when a benchmark asks for
// them and stopped when the run ends.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';
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

export class TemporalResources {
  private server?: Promise<{ server: DevServer; startupMs: number }>;
  private readonly bundles = new Map<string, Promise<WorkflowBundleFile>>();
  private bundleDir?: Promise<string>;

  /** `dynamicConfig` replaces the project's dev server defaults (see DEV_DYNAMIC_CONFIG). */
  constructor(private readonly dynamicConfig: Readonly<Record<string, number>> = {}) {}

  devServer(): Promise<SharedTemporal> {
    this.server ??= (async () => {
      const t0 = performance.now();
      const config = loadConfig();
      const server = await startDevServer({
        ip: '127.0.0.1',
        port: 0,
        temporalCliPath: config.temporalCliPath,
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
