// The operator requests an ad has answered, by request id. A request that
// comes again with the same id (a retried update, a signal sent twice, an
// update after the signal) gets the first answer and spends nothing more.
// Signals cannot answer, so this log is also where a rejected signal shows.
import { log } from '@temporalio/workflow';
import { MAX_REQUEST_RECORDS, type AdState } from './state';
import { REQUEST_ID_PATTERN, senderOf, type OperatorRequestKind, type RequestRecord } from './contract';
import { requestIdProblem } from '../shared/inputRules';

/** `{ by }` when the request names its sender, else nothing (older clients send none). */
function byOf(request: unknown): { by?: string } {
  const by = senderOf((request as { by?: unknown } | undefined)?.by);
  return by === undefined ? {} : { by };
}

export class RequestLog {
  constructor(private readonly state: AdState) {}

  /** The caller's request id when it is a valid one; otherwise a fresh one for this request. */
  idFor(request: unknown, kind: OperatorRequestKind): string {
    const given = (request as { requestId?: unknown } | undefined)?.requestId;
    if (typeof given === 'string' && REQUEST_ID_PATTERN.test(given)) return given;
    return `${kind}-${++this.state.seq}`;
  }

  /** "requestId: ..." when the request carries an id that breaks the rule. */
  idProblem(request: unknown): string | undefined {
    const problem = requestIdProblem((request as { requestId?: unknown } | undefined)?.requestId);
    return problem === undefined ? undefined : `requestId: ${problem}`;
  }

  find(requestId: string): RequestRecord | undefined {
    return this.state.requests.find((r) => r.requestId === requestId);
  }

  /** `request` is the request as it came: its `by` (who sent it) is recorded when it has one. */
  accepted(requestId: string, kind: OperatorRequestKind, via: RequestRecord['via'], request?: unknown): void {
    this.add({ requestId, kind, via, outcome: 'accepted', at: Date.now(), ...byOf(request) });
  }

  rejected(requestId: string, kind: OperatorRequestKind, via: RequestRecord['via'], reason: string, request?: unknown): void {
    log.warn(`${kind} request ${requestId} rejected: ${reason}`);
    this.add({ requestId, kind, via, outcome: 'rejected', reason, at: Date.now(), ...byOf(request) });
    this.state.lastError = `${kind} request ${requestId} rejected: ${reason}`;
  }

  private add(record: RequestRecord): void {
    const requests = this.state.requests;
    requests.push(record);
    if (requests.length > MAX_REQUEST_RECORDS) requests.splice(0, requests.length - MAX_REQUEST_RECORDS);
  }
}
