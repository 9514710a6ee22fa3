// One "is it ready yet?" check of a Temporal server that is starting: its
// port accepts connections, it answers gRPC, the namespace exists and the
// given search attributes are registered (a workflow may set them in its very
// first task), history and matching answer, and its Web UI (if any) accepts
// connections. Each check is bounded in time and says why it is not ready, so
// the caller can loop on it and report the last reason when it gives up.
import { connect as tcpConnect } from 'node:net';
import { Connection } from '@temporalio/client';
import { ensureNamespace, ensureSearchAttributes, historyServes, matchingServes } from './frontendCalls';

export interface ReadinessTarget {
  host: string;
  port: number;
  namespace: string;
  searchAttributes: readonly string[];
  /**
   * Set for a server that makes neither the namespace nor the search attributes itself (one
   * built from the server module, unlike the CLI's start-dev): the check creates what is
   * missing first, and says what it did through this function.
   */
  register?: (line: string) => void;
  /** The Web UI's port on `host`, when it must accept connections too. */
  uiPort?: number;
}

/** A plain TCP connect: cheap, and unlike a gRPC channel it has no reconnect backoff that could outlast the server's start. */
function portAnswers(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no TCP answer on ${host}:${port} within ${timeoutMs} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(`nothing accepts connections on ${host}:${port} yet (${err.code ?? err.message})`));
  });
}

export function grpcAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Checks once; resolves to undefined when ready, else to the reason it is
 * not. Never rejects. `timeoutMs` bounds each step.
 */
export async function whyNotReady(target: ReadinessTarget, timeoutMs: number): Promise<string | undefined> {
  const notListening = await portAnswers(target.host, target.port, timeoutMs);
  if (notListening) return notListening;
  // A fresh connection per check, without the SDK's retry interceptor: a check must fail fast, not retry inside itself.
  const connection = Connection.lazy({ address: grpcAddress(target.host, target.port), connectTimeout: timeoutMs, interceptors: [] });
  try {
    const deadline = () => Date.now() + timeoutMs;
    await connection.withDeadline(deadline(), () => connection.workflowService.getSystemInfo({}));
    if (target.register) {
      await ensureNamespace(connection, target.namespace, target.register);
      await ensureSearchAttributes(connection, target.namespace, target.register);
    }
    await connection.withDeadline(deadline(), () => connection.workflowService.describeNamespace({ namespace: target.namespace }));
    const registered = await connection.withDeadline(deadline(), () =>
      connection.operatorService.listSearchAttributes({ namespace: target.namespace }),
    );
    const missing = target.searchAttributes.filter((name) => !(name in (registered.customAttributes ?? {})));
    if (missing.length > 0) return `search attributes not registered yet: ${missing.join(', ')}`;
    // A workflow started at once must not meet a shard or a task queue partition still being taken over.
    await historyServes(connection, target.namespace);
    await matchingServes(connection, target.namespace);
  } catch (err) {
    return `the server does not answer yet: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await connection.close().catch(() => undefined);
  }
  if (target.uiPort === undefined) return undefined;
  const uiDown = await portAnswers(target.host, target.uiPort, timeoutMs);
  return uiDown && `the Web UI is not up yet: ${uiDown}`;
}
