// The edit machinery: accepting an edit request (input, update or signal),
// creating its Vidu sub-task, awaiting it and selecting its take. Edits run in
// parallel, each in its own cancellation scope under the ad's body (so one
// cancel stops them all). A failed edit is reported and changes nothing else.
// Every entry lives in the ad's state, so a run that continues as new picks
// up the edits that were still running. Each edit reserves its estimated
// cost in the ad's budget when it is accepted and settles it with Vidu's
// final report (refunded when the task failed, was cancelled, or provably
// never existed).
import { ApplicationFailure, CancellationScope, condition, isCancellation, uuid4 } from '@temporalio/workflow';
import { provenUnspent, RESERVATION } from './budget';
import { editsInFlight, type EditEntry } from './state';
import { editRequestProblem, normaliseEdit } from './editRules';
import { FAILURE_TYPES } from '../shared/failures';
import type { EditAccepted, EditRequestInput } from './contract';
import { failureCause, retryThroughOutages } from '../shared/outageRetry';
import { applyTake, describeSlot, slotOf } from './selection';
import { firstWords } from '../shared/shortText';
import type { AdRun } from './run';

export class EditRunner {
  private readonly scopes = new Map<number, CancellationScope>();

  constructor(private readonly run: AdRun) {}

  /** The first rule the request breaks, its budget last: "ad budget maxCredits=600: ..." when it would not fit. */
  problem(request: unknown, fromInput: boolean): string | undefined {
    const { state } = this.run;
    const problem = editRequestProblem(request, {
      closedBecause: this.run.editsClosedBecause(fromInput),
      storyboardCount: state.storyboards.length,
      editsUsed: state.editsUsed,
      maxEdits: state.maxEdits,
    });
    return problem ?? this.run.budget.editRefusal(normaliseEdit(request as EditRequestInput));
  }

  byRequestId(requestId: string): EditEntry | undefined {
    return this.run.state.edits.find((e) => e.requestId === requestId);
  }

  /** Reserves an edit slot and its credits, and starts the edit (a budget gone short since the check fails it unsent). */
  accept(request: EditRequestInput, requestId: string): EditEntry {
    const { state } = this.run;
    const edit = normaliseEdit(request);
    const refusal = this.run.budget.reserveEdit(requestId, edit);
    if (refusal) {
      const refused: EditEntry = { ...edit, requestId, state: 'failed', error: refusal, errorType: FAILURE_TYPES.budgetExceeded, seq: ++state.seq, marker: '' };
      state.edits.push(refused);
      state.lastError = `edit ${requestId} refused: ${refusal}`;
      this.run.refresh();
      return refused;
    }
    const entry: EditEntry = { ...edit, requestId, state: 'pending', seq: ++state.seq, marker: uuid4() };
    state.edits.push(entry);
    state.editsUsed += 1;
    this.start(entry);
    this.run.refresh();
    return entry;
  }

  /** A bad edit in the input is reported like a failed edit; it spends nothing and the ad goes on. */
  rejectFromInput(request: EditRequestInput, requestId: string, problem: string): void {
    const { state } = this.run;
    state.edits.push({ ...normaliseEdit(request), requestId, state: 'failed', error: problem, errorType: FAILURE_TYPES.editRejected, seq: ++state.seq, marker: '' });
    state.lastError = `edit from input rejected: ${problem}`;
  }

  /** After continue-as-new: picks up every edit the previous run left in flight. */
  resumeInFlight(): void {
    for (const entry of editsInFlight(this.run.state)) this.start(entry);
  }

  /** The update's answer: Vidu's sub-task id once the edit was created, or its failure. */
  async answer(entry: EditEntry): Promise<EditAccepted> {
    await condition(() => entry.subTaskId !== undefined || entry.state === 'failed');
    if (entry.subTaskId) return { requestId: entry.requestId, subTaskId: entry.subTaskId };
    throw ApplicationFailure.create({ type: entry.errorType ?? FAILURE_TYPES.editRejected, message: entry.error ?? 'the edit failed', nonRetryable: true });
  }

  cancelRunning(): void {
    for (const scope of this.scopes.values()) scope.cancel();
  }

  async settled(): Promise<void> {
    await condition(() => editsInFlight(this.run.state).length === 0);
  }

  private start(entry: EditEntry): void {
    const scope = new CancellationScope({ cancellable: true, parent: this.run.body });
    this.scopes.set(entry.seq, scope);
    const forget = () => void this.scopes.delete(entry.seq);
    scope.run(() => this.runEdit(entry)).then(forget, forget);
  }

  /** Creates the edit's sub-task (unless a previous run did), awaits it, and selects its take; never throws. */
  private async runEdit(entry: EditEntry): Promise<void> {
    const { state } = this.run;
    const where = describeSlot(entry.kind, entry.storyboardIndex);
    const target = slotOf(state, entry.kind, entry.storyboardIndex)!;
    const reservation = RESERVATION.edit(entry.requestId);
    try {
      if (!entry.subTaskId) {
        const started = await retryThroughOutages(
          () =>
            this.run.acts.spends(`edit ${where}: ${firstWords(entry.prompt)}`).startEdit({
              mainTaskId: state.mainTaskId!,
              kind: entry.kind,
              storyboardIndex: entry.storyboardIndex,
              prompt: entry.prompt,
              marker: entry.marker,
              knownRecordIds: target.takes.map((t) => t.id),
            }),
          { what: `creating the edit of ${where}`, budgetMs: this.run.limits.outageBudgetMs, idempotent: false, onWaiting: (m) => this.run.setWaiting(m) },
        );
        entry.subTaskId = started.subTaskId;
        entry.state = 'running';
        entry.progress = 0;
        state.taskCredits[started.subTaskId] = started.credits;
        this.run.refresh();
      }
      const final = await this.run.awaitTask(entry.subTaskId, `edit of ${where}`, (p) => (entry.progress = p));
      this.run.budget.settleFinal(reservation, final);
      applyTake(target, { id: entry.subTaskId, prompt: entry.prompt, state: final.state }, entry.seq);
      if (final.state === 'success') {
        entry.state = 'succeeded';
        entry.progress = 100;
        this.run.takeAdded();
      } else {
        entry.state = 'failed';
        entry.errorType = FAILURE_TYPES.taskFailed;
        entry.error = `Vidu sub-task ${final.taskId} ended ${final.state}${final.errCode ? ` (${final.errCode})` : ''}`;
        state.lastError = `edit of ${where} failed: ${entry.error}; the previous take stays selected`;
      }
    } catch (err) {
      entry.state = 'failed';
      // A task that was created keeps what Vidu charged and did not refund on cancel; one never created costs nothing;
      // an unclear outcome stays reserved (it may have been charged).
      if (entry.subTaskId) this.run.budget.settleCharged(reservation, state.taskCredits[entry.subTaskId] ?? 0);
      else if (provenUnspent(err)) this.run.budget.refund(reservation);
      if (isCancellation(err)) {
        entry.error = 'cancelled';
      } else {
        const cause = failureCause(err);
        entry.error = cause.message;
        entry.errorType = cause.type;
        state.lastError = `edit of ${where} failed: ${cause.message}`;
      }
    } finally {
      this.run.refresh();
    }
  }
}
