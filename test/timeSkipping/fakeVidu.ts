// The ad workflow's activities as plain async functions over a small model
// of Vidu, for the time-skipping tests: the workflow code is the real one,
// only the activities are stand-ins. The model keeps the tasks Vidu made
// (each billed once, whatever the caller heard), so a test can tell "the
// workflow asked twice" from "Vidu made two tasks". Each step of a create,
// edit or compose follows the test's script: Vidu makes the task and answers,
// refuses for now (nothing made), makes it and the answer is lost, or (create
// only) the attempt hangs after or before recording its evidence heartbeat,
// as a worker that died mid-request would.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  AccountCredits,
  AdActivities,
  AdRecords,
  CreateAdTaskInput,
  CreatedTask,
  CreateEvidence,
  StartComposeInput,
  StartedSubTask,
  StartEditInput,
  TakeRecord,
  TaskSnapshot,
} from '../../src/workflows/ad/activityContract';
import { FAILURE_TYPES } from '../../src/workflows/shared/failures';
import type { EditKind } from '../../src/workflows/ad/contract';

/** What Vidu and the network do with one request. */
export type Step =
  /** Vidu makes the task and the answer arrives. */
  | 'send'
  /** Vidu refuses for now and makes nothing (the activity fails with this). */
  | { refuse: ApplicationFailure }
  /** Vidu makes the task (and bills it), the answer is lost (the activity fails with this). */
  | { sendThenLose: ApplicationFailure }
  /**
   * Create only: the attempt records its evidence heartbeat (as the real
   * activity does before its request leaves), Vidu makes the task, and the
   * activity never answers: a worker that died mid-request. 'before-evidence':
   * it never got as far as the heartbeat, and Vidu makes nothing.
   */
  | { hang: 'after-evidence' | 'before-evidence' };

export interface FakeTask {
  id: string;
  kind: 'ad' | 'edit' | 'compose';
  /** What Vidu charges for it (reported at creation and in the final report when it succeeds). */
  charge: number;
  /** The create attempt marker (callback URL) or the edit's / compose's marker (`payload`). */
  marker?: string;
  mainTaskId?: string;
  editKind?: EditKind;
  storyboardIndex?: number;
  polls: number;
  cancelled: boolean;
}

export interface FakeViduScript {
  /** The n-th createAdTask call (1-based). Default 'send'. */
  create?(call: number, input: CreateAdTaskInput): Step | Promise<Step>;
  /** The n-th startEdit call (1-based); `attempt` is Temporal's attempt of that activity. Default 'send'. */
  edit?(call: number, input: StartEditInput, attempt: number): Step | Promise<Step>;
  compose?(call: number, input: StartComposeInput, attempt: number): Step | Promise<Step>;
  /** How a task ends once polled to its end. Default: success. */
  finalState?(task: FakeTask): 'success' | 'failed';
}

/** Vidu's charges in this model: the create's is not the workflow's estimate (600 for 15 s), so settlement shows whose number it keeps. */
export const CHARGES = { ad: 560, video: 200, narration: 10, bgm: 30, compose: 1 } as const;

/** The failures the real activities end with (src/activities/viduFailures.ts). */
export const failures = {
  rateLimited: (message = 'Vidu: 429 Too Many Requests') =>
    ApplicationFailure.create({ type: FAILURE_TYPES.rateLimited, message, details: [{ status: 429, code: 'TooManyRequests' }], nonRetryable: true }),
  retryLater: (message = 'interrupted by a worker shutdown before anything was sent') => ApplicationFailure.create({ type: FAILURE_TYPES.retryLater, message, nonRetryable: false }),
  createOutcomeUnknown: (callbacks: boolean) =>
    ApplicationFailure.create({
      type: FAILURE_TYPES.createOutcomeUnknown,
      message: 'the create request may have reached Vidu (socket hang up): a task may exist and be billed',
      details: [{ outcome: 'unknown', code: 'ECONNRESET', endpoint: 'create', callbacks }],
      nonRetryable: true,
    }),
  outcomeUnknown: (what: 'edit' | 'compose') =>
    ApplicationFailure.create({
      type: FAILURE_TYPES.outcomeUnknown,
      message: `the ${what} request may have reached Vidu (socket hang up); the next attempt looks for its record before sending again`,
      nonRetryable: false,
    }),
};

type CallLog = { [K in keyof AdActivities]: Array<Parameters<AdActivities[K]>[0]> };

export class FakeVidu {
  readonly tasks = new Map<string, FakeTask>();
  /** Every activity call, by activity, with its input. */
  readonly calls: CallLog = {
    checkAccountCredits: [],
    createAdTask: [],
    getTaskState: [],
    readSubRecords: [],
    startEdit: [],
    startCompose: [],
    cancelViduTask: [],
    saveResult: [],
    saveTakes: [],
    notifyAdFinished: [],
  };
  /** The evidence heartbeats create attempts recorded (Temporal confirmed each) before they hung. */
  readonly evidenceRecorded: CreateEvidence[] = [];
  private nextId = 0;
  private readonly hung = new Set<() => void>();

  constructor(
    private readonly script: FakeViduScript = {},
    /** Records a heartbeat and resolves once Temporal has it (the worker's AsyncCompletionClient, as createAdWorker wires it). */
    private readonly recordHeartbeat?: (taskToken: Uint8Array, details: unknown) => Promise<void>,
  ) {}

  /** Tasks Vidu made (and billed), by kind. */
  made(kind: FakeTask['kind']): FakeTask[] {
    return [...this.tasks.values()].filter((t) => t.kind === kind);
  }

  /** What Vidu bills for the tasks it made: all but those that failed or were cancelled. */
  charged(): number {
    return [...this.tasks.values()].filter((t) => this.ended(t) !== 'failed' && this.ended(t) !== 'canceled').reduce((sum, t) => sum + t.charge, 0);
  }

  /** Lets every hung create attempt end (as cancelled), so a worker can shut down. */
  releaseHung(): void {
    for (const release of this.hung) release();
    this.hung.clear();
  }

  activities(): AdActivities {
    return {
      checkAccountCredits: async (input): Promise<AccountCredits> => {
        this.calls.checkAccountCredits.push(input);
        return { remaining: 1_000_000, onShortfall: 'fail', recheckMs: 60_000 };
      },
      createAdTask: (input) => this.createAdTask(input),
      getTaskState: async (taskId) => {
        this.calls.getTaskState.push(taskId);
        return this.poll(taskId);
      },
      readSubRecords: async (mainTaskId) => {
        this.calls.readSubRecords.push(mainTaskId);
        return this.records(mainTaskId);
      },
      startEdit: (input) => this.startEdit(input),
      startCompose: (input) => this.startCompose(input),
      cancelViduTask: async (taskId) => {
        this.calls.cancelViduTask.push(taskId);
        const task = this.tasks.get(taskId);
        if (!task || this.ended(task) !== undefined) return { cancelled: false, detail: 'the task had already finished' };
        task.cancelled = true;
        return { cancelled: true };
      },
      saveResult: async (input) => {
        this.calls.saveResult.push(input);
        const file = (name: string, contentType: string) => ({ path: `/artifacts/${input.adId}/${name}`, key: `${input.adId}/${name}`, media: name, bytes: 1024, contentType, sha256: '0'.repeat(64) });
        return { video: file(`final-${input.taskId}.mp4`, 'video/mp4'), cover: file(`final-${input.taskId}.png`, 'image/png') };
      },
      saveTakes: async (input) => {
        this.calls.saveTakes.push(input);
        return {
          saved: input.takes.map((t) => ({ id: t.id, ...(t.media && { media: `takes/${t.id}.${t.kind === 'video' ? 'mp4' : 'mp3'}` }), ...(t.cover && { cover: `takes/${t.id}-cover.png` }) })),
          unsaved: [],
          unsavedCount: 0,
        };
      },
      notifyAdFinished: async (input) => {
        this.calls.notifyAdFinished.push(input);
        return { status: 204 };
      },
    };
  }

  private make(task: Omit<FakeTask, 'id' | 'polls' | 'cancelled'>): FakeTask {
    const made: FakeTask = { ...task, id: `${task.kind}-${++this.nextId}`, polls: 0, cancelled: false };
    this.tasks.set(made.id, made);
    return made;
  }

  private async createAdTask(input: CreateAdTaskInput): Promise<CreatedTask> {
    this.calls.createAdTask.push(input);
    const step = (await this.script.create?.(this.calls.createAdTask.length, input)) ?? 'send';
    if (typeof step === 'object' && 'refuse' in step) throw step.refuse;
    if (typeof step === 'object' && 'hang' in step) {
      if (step.hang === 'after-evidence') {
        const evidence: CreateEvidence = { attemptMarker: input.attemptMarker ?? '', callbacks: true };
        if (!this.recordHeartbeat) throw new Error('FakeVidu: a create that hangs after its evidence needs recordHeartbeat');
        await this.recordHeartbeat(Context.current().info.taskToken, evidence);
        this.make({ kind: 'ad', charge: CHARGES.ad, marker: input.attemptMarker });
        this.evidenceRecorded.push(evidence);
      }
      return this.hang();
    }
    const task = this.make({ kind: 'ad', charge: CHARGES.ad, marker: input.attemptMarker });
    if (step !== 'send') throw step.sendThenLose;
    return { taskId: task.id, state: 'created', credits: task.charge };
  }

  /** Never answers; ends as cancelled when the worker shuts down or the test releases it. */
  private hang(): Promise<never> {
    return new Promise<never>((_resolve, reject) => {
      const release = () => reject(new Error('FakeVidu: released a hung create attempt'));
      this.hung.add(release);
      Context.current().cancelled.catch((err: unknown) => {
        this.hung.delete(release);
        reject(err);
      });
    });
  }

  private async startEdit(input: StartEditInput): Promise<StartedSubTask> {
    this.calls.startEdit.push(input);
    const attempt = Context.current().info.attempt;
    // As the real activity does (src/activities/subTasks.ts): a retry first looks for the record an earlier attempt made.
    if (attempt > 1) {
      const found = [...this.tasks.values()].find(
        (t) => t.kind === 'edit' && t.mainTaskId === input.mainTaskId && t.marker === input.marker && !input.knownRecordIds.includes(t.id),
      );
      if (found) return { subTaskId: found.id, state: 'created', credits: found.charge, recovered: true };
    }
    const step = (await this.script.edit?.(this.calls.startEdit.length, input, attempt)) ?? 'send';
    if (typeof step === 'object' && 'refuse' in step) throw step.refuse;
    if (typeof step === 'object' && 'hang' in step) throw new Error('FakeVidu: hang is for creates only');
    const charge = input.kind === 'video' ? CHARGES.video : CHARGES[input.kind];
    const task = this.make({ kind: 'edit', charge, marker: input.marker, mainTaskId: input.mainTaskId, editKind: input.kind, storyboardIndex: input.storyboardIndex });
    if (step !== 'send') throw step.sendThenLose;
    return { subTaskId: task.id, state: 'created', credits: task.charge, recovered: false };
  }

  private async startCompose(input: StartComposeInput): Promise<StartedSubTask> {
    this.calls.startCompose.push(input);
    const attempt = Context.current().info.attempt;
    if (attempt > 1) {
      const found = [...this.tasks.values()].find((t) => t.kind === 'compose' && t.mainTaskId === input.mainTaskId && t.marker === input.marker && !input.knownComposeIds.includes(t.id));
      if (found) return { subTaskId: found.id, state: 'created', credits: found.charge, recovered: true };
    }
    const step = (await this.script.compose?.(this.calls.startCompose.length, input, attempt)) ?? 'send';
    if (typeof step === 'object' && 'refuse' in step) throw step.refuse;
    if (typeof step === 'object' && 'hang' in step) throw new Error('FakeVidu: hang is for creates only');
    const task = this.make({ kind: 'compose', charge: CHARGES.compose, marker: input.marker, mainTaskId: input.mainTaskId });
    if (step !== 'send') throw step.sendThenLose;
    return { subTaskId: task.id, state: 'created', credits: task.charge, recovered: false };
  }

  /** The final state once a task has been polled twice (processing, then final); undefined while it runs. */
  private ended(task: FakeTask): 'success' | 'failed' | 'canceled' | undefined {
    if (task.cancelled) return 'canceled';
    return task.polls >= 2 ? (this.script.finalState?.(task) ?? 'success') : undefined;
  }

  private poll(taskId: string): TaskSnapshot {
    const task = this.tasks.get(taskId);
    if (!task) throw ApplicationFailure.create({ type: 'TaskNotFound', message: `Vidu knows no task ${taskId}`, nonRetryable: true });
    task.polls += 1;
    const final = this.ended(task);
    if (final === undefined) return { taskId, state: 'processing', progress: 50, errCode: '', credits: task.charge };
    return { taskId, state: final, progress: final === 'success' ? 100 : 50, errCode: final === 'failed' ? 'ModelError' : '', credits: final === 'success' ? task.charge : 0 };
  }

  /** Three storyboards of one take each, a narration and a music take, and the first composed video. */
  private records(mainTaskId: string): AdRecords {
    const take = (id: string): TakeRecord => ({ id, prompt: 'first take', state: 'success', errCode: '' });
    const storyboards = [0, 1, 2].map((i) => [take(`${mainTaskId}-sb${i}`)]);
    return {
      storyboards,
      narration: [take(`${mainTaskId}-narration`)],
      bgm: [take(`${mainTaskId}-bgm`)],
      composedIds: [`${mainTaskId}-composed`],
      firstSelection: { videoTaskIds: storyboards.map((s) => s[0]!.id), narrationTaskId: `${mainTaskId}-narration`, bgmTaskId: `${mainTaskId}-bgm` },
    };
  }
}
