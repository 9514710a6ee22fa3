// One workflow per ad, from the first request to a kept final video:
//   creating -> generating -> reading -> [editing] -> [review] -> [composing] -> saving -> done
// (or failed / cancelled). Vidu callbacks arrive as signals and only hint;
// the query API confirms, and polling backs them up. Edits run in parallel,
// each as a Vidu sub-task awaited the same way; a failed edit is reported and
// changes nothing else. A long review continues as new with its state.
// docs/workflow.md describes the lifecycle, the credits policy and cancel.
import {
  ActivityCancellationType,
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  ContinueAsNew,
  isCancellation,
  log,
  makeContinueAsNewFunc,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  TemporalFailure,
  TimeoutFailure,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { AdActivities, CreatedTask, TaskSnapshot } from './activityTypes';
import { editsInFlight, newAdState, statusOf, creditsSpent, type AdState, type EditEntry } from './adState';
import { renderDetails } from './details';
import { editRequestProblem, normaliseEdit, selectTakeProblem } from './editRules';
import { FAILURE_TYPES } from './failures';
import {
  approveSignal,
  cancelAdSignal,
  DEFAULT_MAX_EDITS,
  editUpdate,
  isFinishedStage,
  requestEditSignal,
  selectTakeSignal,
  statusQuery,
  viduCallbackSignal,
  type AdFilmInput,
  type AdFilmResult,
  type AdStage,
  type CancelInput,
  type EditAccepted,
  type EditRequestInput,
  type SelectTakeInput,
} from './messages';
import { DEFAULT_TASK_DEADLINE_MS, pollingSchedule, type PollingSchedule } from './pollingSchedule';
import { AD_ID, AD_STAGE, VIDU_TASK_ID } from './searchAttributes';
import { applyTake, describeSlot, sameSelection, selectionOf, slotOf, slotsFromRecords } from './selection';
import { ViduTaskWaiter } from './taskWaiter';

/** Reads are idempotent: retried on transient failures; the activity marks 4xx answers non-retryable. */
const reads = proxyActivities<AdActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 5 },
});

/**
 * Create spends credits and cannot be checked afterwards (Vidu has no way to
 * find a task by anything we send), so it gets exactly one attempt: the
 * activity retries, inside that attempt, only rejections proving nothing was
 * created; anything unclear ends the ad with ViduCreateOutcomeUnknown.
 * WAIT_CANCELLATION_COMPLETED: a cancelled ad still learns the id of a task
 * that was created, so that it can cancel it.
 */
const creates = proxyActivities<AdActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Edit and compose retry safely: each retry first looks for the record the earlier attempt may have made. */
const spends = proxyActivities<AdActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

const cleanups = proxyActivities<AdActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

const saves = proxyActivities<AdActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;
/** Create attempts when the activity reports that nothing was sent. */
const CREATE_TRIES = 5;

export async function adFilmWorkflow(input: AdFilmInput): Promise<AdFilmResult> {
  return new AdFilmRun(input).run();
}

class AdFilmRun {
  private readonly state: AdState;
  private readonly run_: number;
  private readonly polling: PollingSchedule;
  private readonly deadlineMs: number;
  /** Everything long-running lives in this scope, so one cancel (signal or Temporal) stops it all. */
  private readonly body = new CancellationScope();
  private readonly editScopes = new Map<number, CancellationScope>();
  private readonly waiter = new ViduTaskWaiter({ getTaskState: reads.getTaskState, cancelViduTask: cleanups.cancelViduTask });
  private cancelReason: string | undefined;
  private reviewOpen = false;
  private publishedStage: AdStage | undefined;
  private publishedTaskId: string | undefined;

  constructor(private readonly input: AdFilmInput) {
    this.state = input.continued?.state ?? newAdState(input.adId, input.maxEdits ?? DEFAULT_MAX_EDITS);
    this.run_ = input.continued?.run ?? 1;
    this.polling = pollingSchedule(input.polling);
    this.deadlineMs = input.taskDeadlineMs && input.taskDeadlineMs > 0 ? input.taskDeadlineMs : DEFAULT_TASK_DEADLINE_MS;
    // A continued run resumes the review: updates delivered with its first task must find it open.
    this.reviewOpen = input.continued !== undefined;
    this.installHandlers();
  }

  async run(): Promise<AdFilmResult> {
    try {
      const result = await this.body.run(() => this.lifecycle());
      await condition(allHandlersFinished);
      return result;
    } catch (err) {
      if (err instanceof ContinueAsNew) throw err;
      // A bug (a plain Error) fails the workflow task, which Temporal retries: the ad resumes once the fix is deployed.
      if (!(err instanceof TemporalFailure)) throw err;
      const cancelled = isCancellation(err);
      await CancellationScope.nonCancellable(() => this.settle(cancelled ? 'cancelled' : 'failed', err));
      if (!cancelled) throw asAdFailure(err);
      // Temporal cancellation ends the run as Canceled; the signal ends it with a failure that says so.
      if (CancellationScope.current().consideredCancelled || this.cancelReason === undefined) throw err;
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.adCancelled,
        message: `ad ${this.state.adId} was cancelled: ${this.cancelReason}`,
        details: [{ adId: this.state.adId, reason: this.cancelReason }],
        nonRetryable: true,
      });
    }
  }

  // ---- the lifecycle --------------------------------------------------

  private async lifecycle(): Promise<AdFilmResult> {
    if (this.input.continued) {
      log.info(`ad ${this.state.adId}: review continues in run ${this.run_}`);
    } else {
      checkInput(this.input);
      this.setStage('creating');
      await this.createAndGenerate();
      this.setStage('reading');
      await this.readRecords();
      if (this.input.edits?.length) {
        this.setStage('editing');
        for (const edit of this.input.edits) this.acceptInputEdit(edit);
        await this.editsSettled();
      }
    }
    let keepFirstVideo = false;
    if (this.input.review?.enabled) {
      const outcome = await this.review();
      if (outcome === 'timed-out') keepFirstVideo = await this.reviewTimedOut();
    }
    await this.editsSettled();
    const first = this.state.firstSelection!;
    const selection = keepFirstVideo ? first : selectionOf(this.state);
    const composeTaskId = sameSelection(selection, first) ? undefined : await this.compose();
    return this.save(composeTaskId, selection);
  }

  /**
   * One create attempt at a time. It is tried again only when the activity
   * says nothing was sent (ViduRetryLater: its worker shut down while it
   * waited out a rate limit); a timeout means the outcome is unknown.
   */
  private async createTask(): Promise<CreatedTask> {
    const { adId, images, prompt, duration, aspectRatio, language } = this.input;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await creates.createAdTask({ adId, images, prompt, duration, aspectRatio, language });
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type === FAILURE_TYPES.retryLater && attempt < CREATE_TRIES) {
          await sleep(attempt * 5_000);
          continue;
        }
        if (cause instanceof TimeoutFailure) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.createOutcomeUnknown,
            message: `creating the Vidu task timed out (${cause.message}); it may exist and be billed: check Vidu before starting this ad again`,
            nonRetryable: true,
            cause,
          });
        }
        throw err;
      }
    }
  }

  private async createAndGenerate(): Promise<void> {
    const created = await this.createTask();
    this.state.mainTaskId = created.taskId;
    this.state.taskCredits[created.taskId] = created.credits;
    this.setStage('generating');
    const final = await this.awaitTask(created.taskId, 'ad', (p) => (this.state.progress = p));
    if (final.state !== 'success') throw taskFailure('ad', final);
  }

  private async readRecords(): Promise<void> {
    const records = await reads.readSubRecords(this.state.mainTaskId!);
    if (records.storyboards.length === 0) {
      throw ApplicationFailure.create({ type: FAILURE_TYPES.taskFailed, message: `Vidu ad ${this.state.mainTaskId} has no storyboards`, nonRetryable: true });
    }
    Object.assign(this.state, slotsFromRecords(records));
    this.refresh();
  }

  /** The operator's turn: edits, selections, approval, until approval or the window closes. */
  private async review(): Promise<'approved' | 'timed-out'> {
    this.setStage('review');
    this.state.reviewDeadline ??= Date.now() + Math.max(0, this.input.review!.windowMs);
    this.reviewOpen = true;
    this.refresh();
    try {
      for (;;) {
        if (this.state.approved) return 'approved';
        const remaining = this.state.reviewDeadline - Date.now();
        if (remaining <= 0) return 'timed-out';
        const woke = await condition(() => this.state.approved || this.readyToContinueAsNew(), remaining);
        if (!woke) return 'timed-out';
        if (!this.state.approved) await this.continueReviewAsNewIfReady();
      }
    } finally {
      this.reviewOpen = false;
      this.refresh();
    }
  }

  /** What the input says happens when nobody approved in time; true means "finish with the first video". */
  private async reviewTimedOut(): Promise<boolean> {
    const onTimeout = this.input.review!.onTimeout;
    log.info(`ad ${this.state.adId}: review window closed without approval (${onTimeout})`);
    if (onTimeout === 'compose-selected') return false;
    this.cancelRunningEdits();
    await this.editsSettled();
    if (onTimeout === 'fail') {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.reviewTimedOut,
        message: `ad ${this.state.adId} was not approved within the review window of ${this.input.review!.windowMs} ms`,
        nonRetryable: true,
      });
    }
    return true;
  }

  private async compose(): Promise<string> {
    this.setStage('composing');
    const selection = selectionOf(this.state);
    const started = await spends.startCompose({
      mainTaskId: this.state.mainTaskId!,
      selection,
      storyboardCount: this.state.storyboards.length,
      marker: uuid4(),
      knownComposeIds: this.state.composedIds,
    });
    this.state.composeTaskId = started.subTaskId;
    this.state.taskCredits[started.subTaskId] = started.credits;
    this.refresh();
    const final = await this.awaitTask(started.subTaskId, 'compose', (p) => (this.state.progress = p));
    if (final.state !== 'success') throw taskFailure('compose', final);
    return started.subTaskId;
  }

  private async save(composeTaskId: string | undefined, selection: AdFilmResult['selection']): Promise<AdFilmResult> {
    this.setStage('saving');
    const saved = await saves.saveResult({
      adId: this.state.adId,
      taskId: composeTaskId ?? this.state.mainTaskId!,
      label: composeTaskId ? 'composed' : 'first-video',
    });
    const result: AdFilmResult = {
      adId: this.state.adId,
      outcome: composeTaskId ? 'composed' : 'first-video',
      mainTaskId: this.state.mainTaskId!,
      composeTaskId,
      editTaskIds: this.state.edits.flatMap((e) => (e.subTaskId ? [e.subTaskId] : [])),
      selection,
      video: saved.video,
      cover: saved.cover,
      creditsSpent: creditsSpent(this.state),
    };
    this.state.result = result;
    this.state.progress = 100;
    this.setStage('done');
    return result;
  }

  /** Awaits one Vidu task and keeps its credits current. */
  private async awaitTask(taskId: string, label: string, onProgress: (progress: number) => void): Promise<TaskSnapshot> {
    const final = await this.waiter.wait(taskId, {
      label,
      polling: this.polling,
      deadlineMs: this.deadlineMs,
      onProgress: (progress) => {
        onProgress(progress);
        this.refresh();
      },
      onViduCancelled: (id) => (this.state.taskCredits[id] = 0),
      onTransientError: (message) => (this.state.lastError = message),
    });
    // Vidu does not charge failed or cancelled tasks; the final report says what was charged.
    this.state.taskCredits[taskId] = final.state === 'success' ? final.credits : 0;
    this.refresh();
    return final;
  }

  // ---- edits ----------------------------------------------------------

  private editProblem(request: unknown, fromInput: boolean): string | undefined {
    let closedBecause: string | undefined;
    if (isFinishedStage(this.state.stage) || this.cancelReason !== undefined) closedBecause = `the ad is ${this.state.stage}`;
    else if (!fromInput && !this.reviewOpen) closedBecause = `edits are accepted during review only (the ad is ${this.state.stage})`;
    else if (!fromInput && this.state.approved) closedBecause = 'the ad is approved: no more edits';
    return editRequestProblem(request, {
      closedBecause,
      storyboardCount: this.state.storyboards.length,
      editsUsed: this.state.editsUsed,
      maxEdits: this.state.maxEdits,
    });
  }

  private acceptInputEdit(request: EditRequestInput): void {
    const problem = this.editProblem(request, true);
    if (!problem) {
      this.acceptEdit(request);
      return;
    }
    // A bad edit in the input is reported like a failed edit; it spends nothing and the ad goes on.
    this.state.edits.push({ ...normaliseEdit(request), state: 'failed', error: problem, errorType: FAILURE_TYPES.editRejected, seq: ++this.state.seq, marker: '' });
    this.state.lastError = `edit from input rejected: ${problem}`;
  }

  /** Reserves an edit slot and starts the edit in the body scope (so cancelling the ad stops it). */
  private acceptEdit(request: EditRequestInput): EditEntry {
    const entry: EditEntry = { ...normaliseEdit(request), state: 'pending', seq: ++this.state.seq, marker: uuid4() };
    this.state.edits.push(entry);
    this.state.editsUsed += 1;
    const scope = new CancellationScope({ cancellable: true, parent: this.body });
    this.editScopes.set(entry.seq, scope);
    const forget = () => void this.editScopes.delete(entry.seq);
    scope.run(() => this.runEdit(entry)).then(forget, forget);
    this.refresh();
    return entry;
  }

  /** Creates the edit's sub-task, awaits it, and selects its take; never throws (a failed edit is reported). */
  private async runEdit(entry: EditEntry): Promise<void> {
    const where = describeSlot(entry.kind, entry.storyboardIndex);
    const target = slotOf(this.state, entry.kind, entry.storyboardIndex)!;
    try {
      const started = await spends.startEdit({
        mainTaskId: this.state.mainTaskId!,
        kind: entry.kind,
        storyboardIndex: entry.storyboardIndex,
        prompt: entry.prompt,
        marker: entry.marker,
        knownRecordIds: target.takes.map((t) => t.id),
      });
      entry.subTaskId = started.subTaskId;
      entry.state = 'running';
      entry.progress = 0;
      this.state.taskCredits[started.subTaskId] = started.credits;
      this.refresh();
      const final = await this.awaitTask(started.subTaskId, `edit of ${where}`, (p) => (entry.progress = p));
      applyTake(target, { id: started.subTaskId, prompt: entry.prompt, state: final.state }, entry.seq);
      if (final.state === 'success') {
        entry.state = 'succeeded';
        entry.progress = 100;
      } else {
        entry.state = 'failed';
        entry.errorType = FAILURE_TYPES.taskFailed;
        entry.error = `Vidu sub-task ${final.taskId} ended ${final.state}${final.errCode ? ` (${final.errCode})` : ''}`;
        this.state.lastError = `edit of ${where} failed: ${entry.error}; the previous take stays selected`;
      }
    } catch (err) {
      entry.state = 'failed';
      if (isCancellation(err)) {
        entry.error = 'cancelled';
      } else {
        const failure = asAdFailure(err);
        entry.error = failure.message;
        entry.errorType = failure.type ?? undefined;
        this.state.lastError = `edit of ${where} failed: ${failure.message}`;
      }
    } finally {
      this.refresh();
    }
  }

  private async editByUpdate(request: EditRequestInput): Promise<EditAccepted> {
    const entry = this.acceptEdit(request);
    await condition(() => entry.subTaskId !== undefined || entry.state === 'failed');
    if (entry.subTaskId) return { subTaskId: entry.subTaskId };
    throw ApplicationFailure.create({ type: entry.errorType ?? FAILURE_TYPES.editRejected, message: entry.error ?? 'the edit failed', nonRetryable: true });
  }

  private cancelRunningEdits(): void {
    for (const scope of this.editScopes.values()) scope.cancel();
  }

  private async editsSettled(): Promise<void> {
    await condition(() => editsInFlight(this.state).length === 0);
  }

  // ---- handlers -------------------------------------------------------

  private installHandlers(): void {
    setHandler(statusQuery, () => statusOf(this.state));
    setHandler(viduCallbackSignal, (signal) => this.waiter.onCallback(signal));
    setHandler(editUpdate, (request) => this.editByUpdate(request), {
      validator: (request) => {
        const problem = this.editProblem(request, false);
        if (problem) throw ApplicationFailure.create({ type: FAILURE_TYPES.editRejected, message: problem, nonRetryable: true });
      },
    });
    setHandler(requestEditSignal, (request) => {
      const problem = this.editProblem(request, false);
      if (problem) this.reject(`edit request rejected: ${problem}`);
      else this.acceptEdit(request);
    });
    setHandler(selectTakeSignal, (request) => this.selectTake(request));
    setHandler(approveSignal, () => {
      if (isFinishedStage(this.state.stage)) return;
      // Remembered even before review starts: an early approval means "approve what comes out".
      this.state.approved = true;
      this.refresh();
    });
    setHandler(cancelAdSignal, (request?: CancelInput) => {
      if (isFinishedStage(this.state.stage) || this.cancelReason !== undefined) return;
      const reason = typeof request?.reason === 'string' && request.reason.trim() ? request.reason.trim().slice(0, 500) : 'cancelled by an operator';
      this.cancelReason = reason;
      this.body.cancel();
    });
  }

  private selectTake(request: SelectTakeInput): void {
    if (!this.reviewOpen || this.state.approved) {
      this.reject(`select take rejected: stage: takes are selected during review only (the ad is ${this.state.stage}${this.state.approved ? ', approved' : ''})`);
      return;
    }
    const problem = selectTakeProblem(request, this.state.storyboards.length);
    if (problem) {
      this.reject(`select take rejected: ${problem}`);
      return;
    }
    const target = slotOf(this.state, request.kind, request.storyboardIndex)!;
    const take = target.takes.find((t) => t.id === request.takeId);
    if (!take || take.state !== 'success') {
      const why = take ? `is ${take.state}, not success` : 'is not one of its takes';
      this.reject(`select take rejected: takeId: ${request.takeId} ${why} (${describeSlot(request.kind, request.storyboardIndex)})`);
      return;
    }
    target.selectedTakeId = take.id;
    target.selectedSeq = ++this.state.seq;
    this.refresh();
  }

  /** Signals cannot answer: a rejected one is reported in the status. */
  private reject(message: string): void {
    log.warn(message);
    this.state.lastError = message;
    this.refresh();
  }

  // ---- continue-as-new ------------------------------------------------

  private readyToContinueAsNew(): boolean {
    const info = workflowInfo();
    const limit = this.input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
    const due = info.continueAsNewSuggested || info.historyLength >= limit;
    return due && editsInFlight(this.state).length === 0 && allHandlersFinished();
  }

  /** Continues as new when the history is long and nothing is in flight; otherwise returns and the review goes on. */
  private async continueReviewAsNewIfReady(): Promise<void> {
    await condition(allHandlersFinished);
    if (!this.readyToContinueAsNew()) return;
    log.info(`ad ${this.state.adId}: review continues as new after ${workflowInfo().historyLength} events`);
    const next = makeContinueAsNewFunc<typeof adFilmWorkflow>({ typedSearchAttributes: workflowInfo().typedSearchAttributes });
    await next({ ...this.input, continued: { state: this.state, run: this.run_ + 1 } });
  }

  // ---- status, search attributes, details -------------------------------

  private setStage(stage: AdStage): void {
    this.state.stage = stage;
    if (stage === 'generating' || stage === 'composing') this.state.progress = 0;
    this.refresh();
  }

  /** Keeps the Web UI current: search attributes when they change, the details text always. */
  private refresh(): void {
    const { stage, mainTaskId } = this.state;
    if (stage === 'editing') {
      const running = editsInFlight(this.state);
      if (running.length > 0) this.state.progress = Math.round(running.reduce((sum, e) => sum + (e.progress ?? 0), 0) / running.length);
    }
    const updates = [];
    if (this.publishedStage === undefined) updates.push({ key: AD_ID, value: this.state.adId });
    if (stage !== this.publishedStage) updates.push({ key: AD_STAGE, value: stage });
    if (mainTaskId !== undefined && mainTaskId !== this.publishedTaskId) updates.push({ key: VIDU_TASK_ID, value: mainTaskId });
    if (updates.length > 0) {
      upsertSearchAttributes(updates);
      this.publishedStage = stage;
      this.publishedTaskId = mainTaskId;
    }
    setCurrentDetails(renderDetails(this.state));
  }

  /** After a failure or a cancel: stop whatever still runs (each edit cancels its own Vidu task), then record the end. */
  private async settle(stage: 'failed' | 'cancelled', err: unknown): Promise<void> {
    this.body.cancel();
    await this.editsSettled();
    this.state.lastError = stage === 'cancelled' ? `cancelled: ${this.cancelReason ?? 'the workflow was cancelled'}` : asAdFailure(err).message;
    this.setStage(stage);
    await condition(allHandlersFinished);
  }
}

function checkInput(input: AdFilmInput): void {
  const problems: string[] = [];
  if (typeof input?.adId !== 'string' || !/^[\w.-]{1,128}$/.test(input.adId) || /^\.+$/.test(input.adId)) {
    problems.push('adId: must be 1-128 letters, digits, "-", "_" or "." (and not only dots)');
  }
  if (!Array.isArray(input?.images) || input.images.length < 1 || input.images.length > 7) problems.push('images: must hold 1 to 7 images');
  else if (input.images.some((i) => typeof i !== 'string' || !/^(https?:\/\/|stored:)/.test(i))) {
    problems.push('images: each must be an http(s) URL or a stored: reference (base64 never travels in workflow input)');
  }
  if (input?.review?.enabled && !(typeof input.review.windowMs === 'number' && input.review.windowMs > 0)) problems.push('review.windowMs: must be a positive number');
  if (problems.length > 0) throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidInput, message: problems.join('; '), nonRetryable: true });
}

function taskFailure(label: string, final: TaskSnapshot): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.taskFailed,
    message: `Vidu ${label} task ${final.taskId} ended ${final.state}${final.errCode ? ` with ${final.errCode}` : ''}`,
    details: [{ taskId: final.taskId, state: final.state, errCode: final.errCode }],
    nonRetryable: true,
  });
}

/** The failure the ad ends with: the activity's own failure type when there is one (e.g. a Vidu code). */
function asAdFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      return ApplicationFailure.create({ type: cause.type ?? 'ActivityFailed', message: cause.message, details: cause.details ?? undefined, nonRetryable: true, cause: err });
    }
    return ApplicationFailure.create({ type: 'ActivityFailed', message: `${err.activityType}: ${cause?.message ?? err.message}`, nonRetryable: true, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({ type: 'AdFailed', message, nonRetryable: true });
}
