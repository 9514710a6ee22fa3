// What a time-skipping test file needs: Temporal's Java test server (built
// into .tools on first use from Maven Central: src/tools/temporalTestServer.ts),
// started by the SDK's TestWorkflowEnvironment.createTimeSkipping, and the ad
// workflow's bundle (the one `npm test` built, else bundled here, once per
// file). Timers skip while a test awaits a workflow's result or calls
// `env.sleep`; otherwise the server's clock runs at wall-clock speed. One
// environment per file: time skipping is global to it, so its tests run one
// at a time (node:test runs a describe's tests in order).
import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { bundleAdWorkflowCode } from '../../src/temporal/workflowCode';
import { ensureTemporalTestServer } from '../../src/tools/temporalTestServer';
import { AD_SEARCH_ATTRIBUTES } from '../../src/workflows/ad/searchAttributes';
import { suiteResource } from './suiteResource';
import { quietRuntime } from './temporalTestEnv';

export interface TimeSkippingEnv {
  env: TestWorkflowEnvironment;
  workflowBundle: WorkflowBundle;
  /** How long the server took to start (the SDK waits at most 5 s for it). */
  startMs: number;
  uniqueTaskQueue(prefix?: string): string;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The SDK gives the server 5 s to answer on its port (sdk-core's ephemeral
 * server), then kills it. The JVM starts in about 0.5 s, but on a machine
 * busy with other test files it may miss that: tried up to three times.
 */
async function startServer(launcher: string): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: launcher } } });
    } catch (err) {
      if (attempt === 3) throw err;
      console.error(`the time-skipping test server did not start (attempt ${attempt} of 3), trying again: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export async function openTimeSkippingEnv(): Promise<TimeSkippingEnv> {
  quietRuntime();
  const launcher = await ensureTemporalTestServer();
  const bundling = process.env.TEST_WORKFLOW_BUNDLE ? Promise.resolve({ code: readFileSync(process.env.TEST_WORKFLOW_BUNDLE, 'utf8') }) : bundleAdWorkflowCode();
  // Awaited below; a failure meanwhile must not count as unhandled.
  bundling.catch(() => undefined);
  const started = Date.now();
  const env = await startServer(launcher);
  const startMs = Date.now() - started;
  try {
    // The ad keeps its search attributes (all three keywords) current; the test server, like any server, refuses undefined ones.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(AD_SEARCH_ATTRIBUTES.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    const workflowBundle = await bundling;
    return {
      env,
      workflowBundle,
      startMs,
      uniqueTaskQueue: (prefix = 'ts') => `${prefix}-${process.pid}-${++counter}`,
      close: () => env.teardown(),
    };
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

/** The time-skipping environment of a test file's suite: opened before its tests, closed after them. */
export function suiteTimeSkippingEnv(): TimeSkippingEnv {
  return suiteResource(openTimeSkippingEnv, (env) => env.close());
}

