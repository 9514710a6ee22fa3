// What a start of a Temporal server built from its Go module (the local
// cluster's, the dev server's) asks of the running services, through the
// frontend's gRPC API: that it serves, that the namespace exists with the
// project's search attributes (created when missing: that server makes
// neither itself), and that history and matching answer for that namespace.
// Each call is bounded in time and not retried inside itself; the caller loops
// (see `retrying`).
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GRPC_STATUS } from './grpcStatus';
import { AD_SEARCH_ATTRIBUTES } from '../workflows/ad/searchAttributes';

const { IndexedValueType } = temporal.api.enums.v1;
const ALREADY_EXISTS = 6;
/** grpc.health.v1's SERVING status. */
const SERVING = 1;
const CALL_TIMEOUT_MS = 3_000;
/** Kept for three days after they close, as a scratch cluster needs no more. */
export const NAMESPACE_RETENTION = '72h';

const INDEXED_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

function grpcCode(err: unknown): number | undefined {
  return typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : undefined;
}

/** A connection without the SDK's retrying interceptor: a failed call must come back at once so the caller can look at the processes. */
export function openFrontendConnection(address: string): Connection {
  return Connection.lazy({ address, connectTimeout: CALL_TIMEOUT_MS, interceptors: [] });
}

function bounded<T>(connection: Connection, call: () => Promise<T>): Promise<T> {
  return connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, call);
}

export async function frontendServes(connection: Connection): Promise<void> {
  const { status } = await bounded(connection, () => connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }));
  if (status !== SERVING) throw new Error(`the frontend's health check says ${status}, not SERVING`);
}

/**
 * Creates the namespace with its retention unless it exists. Registered straight away rather than
 * looked up first: a look-up of a namespace that does not exist yet is remembered as "not found"
 * by the server's namespace cache for a second, which every call on it would then wait out.
 */
export async function ensureNamespace(connection: Connection, namespace: string, log: (line: string) => void): Promise<void> {
  try {
    await bounded(connection, () =>
      connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION) }),
    );
    log(`Namespace ${namespace} created (retention ${NAMESPACE_RETENTION})`);
  } catch (err) {
    if (grpcCode(err) !== ALREADY_EXISTS) throw err;
  }
}

/** Registers those of the project's search attributes the namespace lacks (the ad workflow sets them in its first task). */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: (line: string) => void): Promise<void> {
  const registered = await bounded(connection, () => connection.operatorService.listSearchAttributes({ namespace }));
  const missing = AD_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (registered.customAttributes ?? {})));
  if (missing.length === 0) return;
  await bounded(connection, () =>
    connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPE[key.type]])),
    }),
  );
  log(`Search attributes registered in ${namespace}: ${missing.map((key) => key.name).join(', ')}`);
}

/** History answers for the namespace: a look-up of workflows that do not exist, on several ids so several shards are asked, comes back "not found". */
export async function historyServes(connection: Connection, namespace: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    try {
      await bounded(connection, () => connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: `cluster-readiness-probe-${i}` } }));
    } catch (err) {
      if (grpcCode(err) === GRPC_STATUS.NOT_FOUND) continue;
      throw err;
    }
  }
}

/** Matching answers for the namespace. */
export async function matchingServes(connection: Connection, namespace: string): Promise<void> {
  await bounded(connection, () => connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'cluster-readiness-probe' } }));
}

/**
 * Calls `attempt` until it succeeds; `check` runs before each try and throws
 * when waiting is pointless (a service process exited). After `timeoutMs`,
 * throws naming `what` and the last error.
 */
export async function retrying<T>(what: string, timeoutMs: number, attempt: () => Promise<T>, check: () => void = () => undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    check();
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`${what} did not succeed within ${timeoutMs / 1000} s; last error: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await sleep(200);
  }
}
