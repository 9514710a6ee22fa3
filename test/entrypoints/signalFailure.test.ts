// Which signal failures the receiver answers 503 (Vidu retries) and which it
// answers 202 (Vidu stops): errors shaped as the Temporal client throws them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '@temporalio/client';
import { classifySignalFailure } from '../../src/entrypoints/receiver/signalFailure';

const GRPC_NAMES: Record<number, string> = { 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 14: 'UNAVAILABLE' };

/** What the client throws for a gRPC failure: a ServiceError whose cause carries the code. */
function grpcFailure(code: number, details: string): ServiceError {
  const cause = Object.assign(new Error(`${code} ${GRPC_NAMES[code]}: ${details}`), { code, details });
  return new ServiceError('Failed to signal Workflow', { cause });
}

describe('classifySignalFailure', () => {
  it('calls UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED transient', () => {
    for (const code of [14, 4, 8]) {
      assert.deepEqual(classifySignalFailure(grpcFailure(code, 'try later')), { kind: 'transient' }, GRPC_NAMES[code]);
    }
  });

  it('calls every other gRPC status a rejection, with the server\'s reason', () => {
    for (const code of [3, 7, 9]) {
      assert.deepEqual(classifySignalFailure(grpcFailure(code, `reason ${code}`)), { kind: 'rejected', reason: `reason ${code}` }, GRPC_NAMES[code]);
    }
  });

  it('calls a ServiceError without a code (no connection at all) transient', () => {
    const err = new ServiceError('Failed to connect to Temporal server', { cause: new Error('connect ECONNREFUSED') });
    assert.deepEqual(classifySignalFailure(err), { kind: 'transient' });
  });

  it('leaves errors that did not come from Temporal unexpected', () => {
    assert.deepEqual(classifySignalFailure(new TypeError('x is undefined')), { kind: 'unexpected' });
    assert.deepEqual(classifySignalFailure('a string'), { kind: 'unexpected' });
  });
});
