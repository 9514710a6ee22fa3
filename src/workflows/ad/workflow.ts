// One workflow per ad, from the first request to a kept final video:
//   creating -> generating -> reading -> [editing] -> [review] -> [composing] -> saving -> done
// (or failed / cancelled). Vidu callbacks arrive as signals and only hint;
// the query API confirms, and polling backs them up. Edits run in parallel,
// each a Vidu sub-task awaited the same way. Every step is recorded in the
// state, so the run continues as new at any quiet moment and the next run
// resumes where this one stood. Every create, edit and compose reserves its
// estimated credits in the ad's budget first (./budget.ts) and is settled
// with what Vidu reports once final. docs/workflow.md tells the whole story.
import { allHandlersFinished, ApplicationFailure, CancellationScope, condition, ContinueAsNew, isCancellation, log, patched, setHandler, TemporalFailure, workflowInfo } from '@temporalio/workflow';
import { awaitAccountCredits } from './accountCheck';
import { AdBudget, budgetFailure, openAdLedger, provenUnspent, RESERVATION } from './budget';
import { asAdFailure, taskFailure } from './failures';
import { activityGroups, type ActivityGroups } from './activityGroups';
import type { TaskSnapshot } from './activityContract';
import { creditsSpent, editsInFlight, newAdState, statusOf, type AdState } from './state';
import type { AdLimits, AdRun } from './run';
import { CallbackInbox } from './callbackInbox';
import { campaignReporter, type CampaignReporter } from './campaignReporter';
import { continueAsNewWhenDue } from './continueAsNew';
import { EditRunner } from './editRunner';
import { FAILURE_TYPES } from '../shared/failures';
import { adInputProblems, continuedProblem, INPUT_LIMITS, INPUT_RULES_PATCH, limitOrDefault, notifyUrlProblem } from '../shared/inputRules';
import { createMainTask } from './mainTaskCreation';
import { CompletionNotifier } from './completionNotifier';
import * as m from './contract';
import { retryThroughOutages } from '../shared/outageRetry';
import { OperatorDesk } from './operatorDesk';
import { RequestLog } from './operatorRequests';
import { pollingSchedule } from './pollingSchedule';
import { afterReviewTimeout, awaitReview } from './review';
import { composeIfChanged } from './composeStep';
import { selectionOf, slotsFromRecords } from './selection';
import { StatusPublisher } from './statusPublisher';
import { adStaticSummary } from './summaries';
import { shortTaskId } from '../shared/shortText';
import { TakeKeeper } from './takeKeeper';
import { ViduTaskWaiter } from './taskWaiter';

export async function adFilmWorkflow(input: m.AdFilmInput): Promise<m.AdFilmResult> {
  return new AdFilmRun(input).run();
}

class AdFilmRun implements AdRun {
  readonly state: AdState;
  readonly runNumber: number;
  readonly limits: AdLimits;
  private readonly tracker = { inFlight: 0 };
  readonly acts: ActivityGroups;
  /** Everything long-running lives in this scope, so one cancel (signal or Temporal) stops it all. */
  readonly body = new CancellationScope();
  private readonly waiter: ViduTaskWaiter;
  private readonly edits: EditRunner;
  private readonly requests: RequestLog;
  private readonly desk: OperatorDesk;
  private readonly takes: TakeKeeper;
  private readonly notifier: CompletionNotifier;
  private cancelReason: string | undefined;
  reviewOpen = false;
  private ending = false;
  private readonly publisher: StatusPublisher;
  /** Only for an ad of a campaign. */
  private readonly reporter: CampaignReporter | undefined;
  readonly budget: AdBudget;

  constructor(readonly input: m.AdFilmInput) {
    // Only this workflow writes `continued` (checked in run()): its state is this workflow's AdState.
    const continued = input.continued as m.AdFilmContinuation<AdState> | undefined;
    this.state = continued?.state ?? newAdState(input.adId, input.maxEdits ?? m.DEFAULT_MAX_EDITS);
    this.runNumber = continued?.run ?? 1;
    this.state.budget ??= openAdLedger(input);
    this.budget = new AdBudget(this.state, input);
    this.limits = {
      taskDeadlineMs: limitOrDefault(input.taskDeadlineMs, INPUT_LIMITS.taskDeadlineMs),
      queueDeadlineMs: limitOrDefault(input.queueDeadlineMs, INPUT_LIMITS.queueDeadlineMs),
      outageBudgetMs: limitOrDefault(input.outageBudgetMs, INPUT_LIMITS.outageBudgetMs),
      adoptWindowMs: limitOrDefault(input.createAdoptWindowMs, INPUT_LIMITS.createAdoptWindowMs),
      heartbeatTimeoutMs: limitOrDefault(input.heartbeatTimeoutMs, INPUT_LIMITS.heartbeatTimeoutMs),
      continueAsNewAfterEvents: limitOrDefault(input.continueAsNewAfterEvents, INPUT_LIMITS.continueAsNewAfterEvents),
      polling: pollingSchedule(input.polling),
    };
    this.reporter = campaignReporter(input.campaign);
    this.publisher = new StatusPublisher({ adLine: adStaticSummary(input), runNumber: this.runNumber }, this.reporter && ((state) => this.reporter!.report(state)));
    this.acts = activityGroups(this.limits, this.tracker);
    this.waiter = new ViduTaskWaiter(this.acts.reads, this.state.taskClocks);
    this.requests = new RequestLog(this.state);
    this.takes = new TakeKeeper(this);
    this.notifier = new CompletionNotifier(this);
    // The status shows the webhook as pending from the start (a bad URL is refused by the input check instead).
    if (input.notifyUrl !== undefined && !notifyUrlProblem(input.notifyUrl)) this.state.notification ??= { url: input.notifyUrl, state: 'pending' };
    this.edits = new EditRunner(this);
    this.desk = new OperatorDesk(this, this.edits, this.requests);
    this.installHandlers();
  }

  // ---- handlers: each a line; the desk checks, answers once per request id, records --

  private installHandlers(): void {
    const inbox = new CallbackInbox(this.state, this.waiter);
    const desk = this.desk;
    const startedBy = m.senderOf(this.input.startedBy);
    setHandler(m.statusQuery, () => statusOf(this.state, this.runNumber, startedBy));
    setHandler(m.viduCallbackSignal, (signal) => inbox.receive(signal));
    setHandler(m.editUpdate, (request) => desk.edit(request), { validator: (request) => desk.validate(request, 'edit') });
    setHandler(m.requestEditSignal, (request) => desk.bySignal(request, 'edit'));
    setHandler(m.selectTakeUpdate, (request) => desk.byUpdate(request, 'select'), { validator: (request) => desk.validate(request, 'select') });
    setHandler(m.selectTakeSignal, (request) => desk.bySignal(request, 'select'));
    setHandler(m.approveUpdate, (request?) => desk.byUpdate(request, 'approve'), { validator: (request?) => desk.validate(request, 'approve') });
    setHandler(m.approveSignal, (request?) => desk.bySignal(request, 'approve'));
    setHandler(m.cancelUpdate, (request?) => desk.byUpdate(request, 'cancel'), { validator: (request?) => desk.validate(request, 'cancel') });
    setHandler(m.cancelAdSignal, (request?) => desk.bySignal(request, 'cancel'));
  }

  // ---- the main path ----------------------------------------------------

  async run(): Promise<m.AdFilmResult> {
    try {
      const quiet = () => !this.ending && this.tracker.inFlight === 0;
      const nextInput = () => ({ ...this.input, continued: { state: this.state, run: this.runNumber + 1 } });
      const result = await Promise.race([this.body.run(() => this.lifecycle()), continueAsNewWhenDue(this.limits.continueAsNewAfterEvents, quiet, nextInput)]);
      this.ending = true;
      // A cancel that comes now cannot undo the ad; the webhook goes out regardless.
      await CancellationScope.nonCancellable(() => this.notifier.notify(this.input.notifyUrl, 'done'));
      await condition(allHandlersFinished);
      if (this.reporter) await this.reporter.delivered();
      return result;
    } catch (err) {
      if (err instanceof ContinueAsNew) throw err;
      this.ending = true;
      // A bug (a plain Error) fails the workflow task, which Temporal retries: the ad resumes once the fix is deployed.
      if (!(err instanceof TemporalFailure)) throw err;
      const cancelled = isCancellation(err);
      const stage = cancelled ? 'cancelled' : 'failed';
      await CancellationScope.nonCancellable(async () => {
        await this.settle(stage, err);
        await this.notifier.notify(this.input.notifyUrl, stage, err);
        await condition(allHandlersFinished);
        if (this.reporter) await this.reporter.delivered();
      });
      if (!cancelled) throw asAdFailure(err);
      // Temporal cancellation ends the run as Canceled; the cancel request ends it with a failure that says so.
      if (CancellationScope.current().consideredCancelled || this.cancelReason === undefined) throw err;
      const { adId } = this.state;
      const message = `ad ${adId} was cancelled: ${this.cancelReason}`;
      throw ApplicationFailure.create({ type: FAILURE_TYPES.adCancelled, message, details: [{ adId, reason: this.cancelReason }], nonRetryable: true });
    }
  }

  /** Each step runs unless the state says an earlier run already did it. */
  private async lifecycle(): Promise<m.AdFilmResult> {
    const { state, input } = this;
    // Under the shared rules, `continued` is honoured only in a run that was continued as new.
    const sharedRules = patched(INPUT_RULES_PATCH);
    const refused = sharedRules ? continuedProblem(input.continued, workflowInfo().continuedFromExecutionRunId) : undefined;
    if (refused) throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidInput, message: refused, nonRetryable: true });
    if (!input.continued) this.checkInput(sharedRules);
    else log.info(`ad ${state.adId}: continues in run ${this.runNumber} at ${state.stage}`);
    state.mainTaskId ??= input.resumeFromTaskId;
    if (!state.mainTaskId) await this.createMainTask();
    if (!state.mainTaskSucceeded) await this.awaitMainTask();
    if (state.storyboards.length === 0) await this.readRecords();
    else this.takes.resume();
    this.edits.resumeInFlight();
    if (!state.inputEditsStarted) this.startInputEdits();
    if (state.reviewDeadline === undefined && editsInFlight(state).length > 0) {
      this.setStage('editing');
      await this.edits.settled();
    }
    const review = input.review?.enabled ? input.review : undefined;
    if (review) state.reviewOutcome ??= await this.openReview(review.windowMs);
    const keepFirstVideo = review && state.reviewOutcome === 'timed-out' ? await afterReviewTimeout(state, review, () => this.cancelRunningEdits()) : false;
    await this.edits.settled();
    const selection = keepFirstVideo ? state.firstSelection! : selectionOf(state);
    const composeTaskId = await this.compose(selection);
    return this.save(composeTaskId, selection);
  }

  /** Reserves the create (and one compose) in the budget, checks the account can pay, then creates. */
  private async createMainTask(): Promise<void> {
    this.setStage('creating');
    if (this.budget.active) {
      const refusal = this.budget.reserveStart();
      if (refusal) throw budgetFailure(refusal);
      await awaitAccountCredits(this);
    }
    try {
      await createMainTask(this);
    } catch (err) {
      // A refused create spent nothing; an unclear one stays reserved (it may have been billed).
      if (provenUnspent(err)) this.budget.refund(RESERVATION.create);
      throw err;
    }
  }

  private async awaitMainTask(): Promise<void> {
    this.setStage('generating');
    const final = await this.awaitTask(this.state.mainTaskId!, 'ad', (p) => (this.state.progress = p));
    this.budget.settleMain(final);
    if (final.state !== 'success') throw taskFailure('ad', final);
    this.state.mainTaskSucceeded = true;
  }

  private async readRecords(): Promise<void> {
    this.setStage('reading');
    const records = await this.idempotent('reading the storyboards', () => this.acts.reads(`read storyboards of ${shortTaskId(this.state.mainTaskId!)}`).readSubRecords(this.state.mainTaskId!));
    if (records.storyboards.length === 0) {
      throw ApplicationFailure.create({ type: FAILURE_TYPES.taskFailed, message: `Vidu ad ${this.state.mainTaskId} has no storyboards`, nonRetryable: true });
    }
    Object.assign(this.state, slotsFromRecords(records));
    this.refresh();
    this.takes.occasion();
  }

  private startInputEdits(): void {
    this.state.inputEditsStarted = true;
    for (const request of this.input.edits ?? []) {
      const requestId = this.requests.idFor(request, 'edit');
      const problem = this.edits.problem(request, true);
      if (problem) this.edits.rejectFromInput(request, requestId, problem);
      else this.edits.accept(request, requestId);
    }
  }

  private async openReview(windowMs: number): Promise<'approved' | 'timed-out'> {
    this.setStage('review');
    this.reviewOpen = true;
    this.refresh();
    try {
      return await awaitReview(this.state, windowMs);
    } finally {
      this.reviewOpen = false;
      this.refresh();
    }
  }

  private async cancelRunningEdits(): Promise<void> {
    this.edits.cancelRunning();
    await this.edits.settled();
  }

  /** Composes when the selection differs from Vidu's first video (composeStep.ts); resumes a compose an earlier run started. */
  private compose(selection: m.AdSelection): Promise<string | undefined> {
    return composeIfChanged(this, selection);
  }

  private async save(composeTaskId: string | undefined, selection: m.AdSelection): Promise<m.AdFilmResult> {
    const { state } = this;
    this.setStage('saving');
    const taskId = composeTaskId ?? state.mainTaskId!;
    const label = composeTaskId ? 'composed' : 'first-video';
    const saved = await this.idempotent('saving the final video', () => this.acts.saves(`save final video (${label})`).saveResult({ adId: state.adId, taskId, label }));
    await this.takes.finish();
    const editTaskIds = state.edits.flatMap((e) => (e.subTaskId ? [e.subTaskId] : []));
    const result: m.AdFilmResult = { adId: state.adId, outcome: label, mainTaskId: state.mainTaskId!, composeTaskId, editTaskIds, selection, ...saved, creditsSpent: creditsSpent(state) };
    state.result = result;
    state.progress = 100;
    this.setStage('done');
    return result;
  }

  // ---- helpers ------------------------------------------------------------

  private idempotent<T>(what: string, call: () => Promise<T>): Promise<T> {
    return retryThroughOutages(call, { what, budgetMs: this.limits.outageBudgetMs, idempotent: true, onWaiting: (msg) => this.setWaiting(msg) });
  }

  /** Awaits one Vidu task and keeps its credits current. */
  async awaitTask(taskId: string, label: string, onProgress: (progress: number) => void): Promise<TaskSnapshot> {
    const { taskDeadlineMs: deadlineMs, queueDeadlineMs, outageBudgetMs, polling } = this.limits;
    const final = await this.waiter.wait(taskId, {
      label,
      polling,
      deadlineMs,
      queueDeadlineMs,
      outageBudgetMs,
      onProgress: (progress) => {
        onProgress(progress);
        this.refresh();
      },
      onViduCancelled: (id) => (this.state.taskCredits[id] = 0),
      onWaiting: (message) => this.setWaiting(message),
    });
    // Vidu does not charge failed or cancelled tasks; the final report says what was charged.
    this.state.taskCredits[taskId] = final.state === 'success' ? final.credits : 0;
    this.refresh();
    return final;
  }

  editsClosedBecause(fromInput: boolean): string | undefined {
    const { state } = this;
    if (m.isFinishedStage(state.stage) || this.cancelReason !== undefined) return m.finishedAdRefusal(state.stage);
    if (!fromInput && !this.reviewOpen) return `edits are accepted during review only (the ad is ${state.stage})`;
    if (!fromInput && state.approved) return 'the ad is approved: no more edits';
    return undefined;
  }

  private checkInput(sharedRules: boolean): void {
    const problems = adInputProblems(this.input, sharedRules ? 'shared' : 'before-shared');
    if (problems.length > 0) throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidInput, message: problems.join('; '), nonRetryable: true });
  }

  setWaiting(message: string | undefined): void {
    this.state.waitingFor = message;
    this.refresh();
  }

  setStage(stage: m.AdStage): void {
    // A run that continues as new re-enters its stage: its progress stays.
    if (stage === this.state.stage) return this.refresh();
    this.state.stage = stage;
    if (stage === 'generating' || stage === 'composing') this.state.progress = 0;
    this.refresh();
  }

  refresh(): void {
    this.publisher.publish(this.state);
  }

  /** After a failure or a cancel: stop whatever still runs (each edit cancels its own Vidu task), then record the end. */
  /** True once the ad is finished or a cancel was accepted. */
  closed(): boolean {
    return m.isFinishedStage(this.state.stage) || this.cancelReason !== undefined;
  }

  cancel(reason: string): void {
    this.cancelReason = reason;
    this.body.cancel();
  }

  takeAdded(): void {
    this.takes.occasion();
  }

  private async settle(stage: 'failed' | 'cancelled', err: unknown): Promise<void> {
    this.body.cancel();
    await this.edits.settled();
    this.budget.settleOnEnd();
    this.state.waitingFor = undefined;
    this.state.lastError = stage === 'cancelled' ? `cancelled: ${this.cancelReason ?? 'the workflow was cancelled'}` : asAdFailure(err).message;
    this.setStage(stage);
    await condition(allHandlersFinished);
  }
}
