// Which failures of a signal call are worth Vidu retrying. A 503 makes Vidu
// retry, so it is kept for failures that can pass: Temporal unreachable, slow
// or overloaded. Any other gRPC status (INVALID_ARGUMENT, PERMISSION_DENIED,
// FAILED_PRECONDITION...) would fail the same way on every retry, so Vidu is
// told to stop; the workflow still learns the task's state by polling.

import { GRPC_STATUS } from '../../temporal/grpcStatus';

/** gRPC codes that describe the connection or the server's load, not the request. */
const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([GRPC_STATUS.DEADLINE_EXCEEDED, GRPC_STATUS.RESOURCE_EXHAUSTED, GRPC_STATUS.UNAVAILABLE]);

export type SignalFailure =
  /** Temporal could not take the signal now; a retry may succeed. */
  | { kind: 'transient' }
  /** Temporal answered and refused the signal; a retry would be refused too. */
  | { kind: 'rejected'; reason: string }
  /** Not a failure of the call to Temporal (a bug of ours): answer 500. */
  | { kind: 'unexpected' };

function causes(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && !chain.includes(e); e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

export function classifySignalFailure(err: unknown): SignalFailure {
  const chain = causes(err);
  // The client wraps the gRPC error (which carries the numeric code) in a ServiceError.
  const coded = chain.find((e) => typeof (e as { code?: unknown }).code === 'number') as (Error & { code: number; details?: unknown }) | undefined;
  if (coded) {
    if (TRANSIENT_GRPC_CODES.has(coded.code)) return { kind: 'transient' };
    const details = typeof coded.details === 'string' && coded.details ? coded.details : coded.message;
    return { kind: 'rejected', reason: details };
  }
  // No code: the connection itself failed (e.g. "Failed to connect to Temporal server").
  if (chain.some((e) => e.name === 'ServiceError')) return { kind: 'transient' };
  return { kind: 'unexpected' };
}
