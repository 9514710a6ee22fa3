// One "is it ready yet?" check of a Temporal server that is starting: its
// port accepts connections, it answers gRPC, the namespace exists and the
// given search attributes are registered (a workflow may set them in its very
// first task). Each check is bounded in time and says why it is not ready, so
// the caller can loop on it and report the last reason when it gives up.
import { connect as tcpConnect } from 'node:net';
import { Connection } from '@temporalio/client';

export interface ReadinessTarget {
  host: string;
  port: number;
  namespace: string;
  searchAttributes: readonly string[];
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
    await connection.withDeadline(deadline(), () => connection.workflowService.describeNamespace({ namespace: target.namespace }));
    const registered = await connection.withDeadline(deadline(), () =>
      connection.operatorService.listSearchAttributes({ namespace: target.namespace }),
    );
    const missing = target.searchAttributes.filter((name) => !(name in (registered.customAttributes ?? {})));
    if (missing.length > 0) return `search attributes not registered yet: ${missing.join(', ')}`;
    return undefined;
  } catch (err) {
    return `the server does not answer yet: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
