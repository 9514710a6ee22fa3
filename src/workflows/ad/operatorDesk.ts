// Operator requests, as signals and as updates: edit, select a take,
// approve, cancel. Each is checked against the ad's state (an update's
// validator rejects before anything reaches history), answered once per
// request id, and recorded in the status. A request that repeats an accepted
// request id gets the first answer and changes nothing.
import { ApplicationFailure } from '@temporalio/workflow';
import type { EditRunner } from './editRunner';
import { FAILURE_TYPES } from '../shared/failures';
import { CANCEL_REASON_MAX_CHARS, cancelReasonProblem } from '../shared/inputRules';
import * as m from './contract';
import type { RequestLog } from './operatorRequests';
import { applyTakeChoice, takeChoiceProblem } from './takeChoice';
import type { AdRun } from './run';

type Kind = m.OperatorRequestKind;

export class OperatorDesk {
  constructor(
    private readonly run: AdRun,
    private readonly edits: EditRunner,
    private readonly requests: RequestLog,
  ) {}

  /** An update validator: throws the rule the request breaks. */
  validate(request: unknown, kind: Kind): void {
    const { requests } = this;
    // A cancel's reason is bounded here, in the validator only: a signal's is cut to the bound, as it always was.
    const reasonProblem = kind === 'cancel' ? cancelReasonProblem((request as m.CancelInput | undefined)?.reason) : undefined;
    const problem = requests.idProblem(request) ?? (reasonProblem && `reason: ${reasonProblem}`) ?? (this.isRepeat(request, kind) ? undefined : this.problemOf(request, kind));
    if (!problem) return;
    const type = kind === 'edit' ? FAILURE_TYPES.editRejected : FAILURE_TYPES.requestRejected;
    throw ApplicationFailure.create({ type, message: problem, nonRetryable: true });
  }

  /** A signal: applied when it may be, otherwise its rejection is recorded (signals cannot answer). */
  bySignal(request: unknown, kind: Kind): void {
    const { requests } = this;
    if (this.isRepeat(request, kind)) return;
    const requestId = requests.idFor(request, kind);
    const problem = requests.idProblem(request) ?? this.problemOf(request, kind);
    if (problem) return requests.rejected(requestId, kind, 'signal', problem, request);
    this.apply(request, kind, requestId, 'signal');
  }

  /** An update of select, approve or cancel, after its validator passed. */
  byUpdate(request: unknown, kind: Exclude<Kind, 'edit'>): m.RequestAccepted {
    const requestId = this.requests.idFor(request, kind);
    if (!this.isRepeat(request, kind)) this.apply(request, kind, requestId, 'update');
    return { requestId };
  }

  /** The edit update: the first answer for a repeated request id, else a new edit. */
  async edit(request: m.EditRequestInput): Promise<m.EditAccepted> {
    const { edits, requests } = this;
    const requestId = requests.idFor(request, 'edit');
    const entry = edits.byRequestId(requestId) ?? this.apply(request, 'edit', requestId, 'update');
    return edits.answer(entry!);
  }

  private apply(request: unknown, kind: Kind, requestId: string, via: 'signal' | 'update') {
    const { edits, requests } = this;
    const { state } = this.run;
    requests.accepted(requestId, kind, via, request);
    const entry = kind === 'edit' ? edits.accept(request as m.EditRequestInput, requestId) : undefined;
    if (kind === 'select') applyTakeChoice(state, request as m.SelectTakeInput);
    // Remembered even before review starts: an early approval means "approve what comes out".
    if (kind === 'approve') state.approved = true;
    if (kind === 'cancel') this.run.cancel(cancelReason(request));
    this.run.refresh();
    return entry;
  }

  /** The rule a request breaks now, as "field: rule"; undefined when it may proceed. */
  private problemOf(request: unknown, kind: Kind): string | undefined {
    if (kind === 'edit') return this.edits.problem(request, false);
    if (kind === 'select') return takeChoiceProblem(this.run.state, (request ?? {}) as m.SelectTakeInput, this.run.reviewOpen);
    return this.run.closed() ? `stage: ${m.finishedAdRefusal(this.run.state.stage)}` : undefined;
  }

  /** True when this request id was already accepted. */
  private isRepeat(request: unknown, kind: Kind): boolean {
    const id = (request as m.OperatorRequest | undefined)?.requestId;
    if (typeof id !== 'string') return false;
    return (kind === 'edit' && this.edits.byRequestId(id) !== undefined) || this.requests.find(id)?.outcome === 'accepted';
  }
}

function cancelReason(request: unknown): string {
  const reason = (request as m.CancelInput | undefined)?.reason;
  return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, CANCEL_REASON_MAX_CHARS) : 'cancelled by an operator';
}
