// The ad workflow's state: everything the status query shows and everything a
// long review carries into its next run when it continues as new.
import { totalsOf, type LedgerState } from '../shared/ledger';
import type { AdFilmResult, AdSelection, AdStage, AdStatus, CreditsStatus, EditStatus, NotificationStatus, RequestRecord, TakeStatus } from './contract';

/** One choice the selection makes: a storyboard's video, the narration or the bgm. */
export interface SlotState {
  takes: TakeStatus[];
  selectedTakeId: string;
  /**
   * Sequence number of the request that chose the current take. A finishing
   * edit only takes over the slot when it was requested after that choice, so
   * the later of two edits (or a later manual selection) wins whatever order
   * their generations finish in.
   */
  selectedSeq: number;
}

export interface EditEntry extends EditStatus {
  requestId: string;
  seq: number;
  /** Sent as Vidu's `payload`, so a retry after an unclear outcome can find this edit's record. */
  marker: string;
  /** Failure type when the edit failed (a Vidu code, or a workflow failure type). */
  errorType?: string;
}

export interface AdState {
  adId: string;
  stage: AdStage;
  progress: number;
  mainTaskId?: string;
  composeTaskId?: string;
  storyboards: SlotState[];
  narration?: SlotState;
  bgm?: SlotState;
  /** What the ad's first composed video used; compose runs only when the selection differs. */
  firstSelection?: AdSelection;
  composedIds: string[];
  edits: EditEntry[];
  /** Edit requests accepted so far (input, update and signal together), counted against maxEdits. */
  editsUsed: number;
  maxEdits: number;
  /** Credits per Vidu task: as charged at creation, then as the query API reports once final. */
  taskCredits: Record<string, number>;
  reviewDeadline?: number;
  approved: boolean;
  /** Last sequence number handed out to an edit request or a selection. */
  seq: number;
  lastError?: string;
  waitingFor?: string;
  result?: AdFilmResult;
  /** True once Vidu confirmed the main task's success. */
  mainTaskSucceeded?: boolean;
  /** True once the input's edits were started (they are started once, whatever the runs). */
  inputEditsStarted?: boolean;
  /** How the review ended, once it has. */
  reviewOutcome?: 'approved' | 'timed-out';
  /** True once Vidu confirmed the compose task's success. */
  composeSucceeded?: boolean;
  /** Marker sent with the compose request (kept so that a later run looks for the same record). */
  composeMarker?: string;
  /**
   * A create whose outcome is unclear, with callbacks on: the workflow waits
   * for a callback carrying the attempt marker, then adopts the task it names.
   */
  pendingCreate?: { marker: string; since: number; candidateTaskIds: string[] };
  /** Create callbacks that came before the workflow knew its task (a callback can overtake the create's answer). */
  earlyCreateCallbacks: Array<{ marker: string; taskId: string }>;
  /** When each awaited Vidu task was first awaited, and first confirmed processing. */
  taskClocks: Record<string, TaskClock>;
  /** The latest operator requests and their answers (bounded). */
  requests: RequestRecord[];
  /** Nonces of the latest callbacks: a replay through any receiver copy is ignored. */
  recentNonces: string[];
  /** True from a take-saving occasion until a save after it ran (a run that continues as new owes it to the next). */
  takesSaveDue?: boolean;
  /** The completion webhook, when the ad has a notifyUrl. */
  notification?: NotificationStatus;
  /** The credit budget's reservations and spend; absent in ads started before budgets existed. */
  budget?: LedgerState;
}

export interface TaskClock {
  /** Workflow time when the wait began. */
  since: number;
  /** When the query API first showed the task past the queue. */
  processingSince?: number;
}

/** What a run that continues as new hands to the next one. */

export const MAX_REQUEST_RECORDS = 100;
export const MAX_NONCES_KEPT = 64;

export function newAdState(adId: string, maxEdits: number): AdState {
  return {
    adId,
    stage: 'creating',
    progress: 0,
    storyboards: [],
    composedIds: [],
    edits: [],
    editsUsed: 0,
    maxEdits,
    taskCredits: {},
    approved: false,
    seq: 0,
    taskClocks: {},
    earlyCreateCallbacks: [],
    requests: [],
    recentNonces: [],
  };
}

export function creditsSpent(state: AdState): number {
  return Object.values(state.taskCredits).reduce((sum, credits) => sum + credits, 0);
}

/** The status's `credits`: from the ledger, or (ads without one) what the tasks were charged. */
export function creditsStatus(state: AdState): CreditsStatus {
  if (!state.budget) return { estimated: 0, reserved: 0, spent: creditsSpent(state), overrun: 0 };
  return totalsOf(state.budget);
}

export function editsInFlight(state: AdState): EditEntry[] {
  return state.edits.filter((e) => e.state === 'pending' || e.state === 'running');
}

function publicEdit(entry: EditEntry): EditStatus {
  const { requestId, kind, storyboardIndex, prompt, subTaskId, state, progress, error } = entry;
  return { requestId, kind, storyboardIndex, prompt, subTaskId, state, progress, error };
}

function publicSlot(slot: SlotState | undefined): { takes: TakeStatus[]; selectedTakeId: string } | undefined {
  return slot && { takes: slot.takes, selectedTakeId: slot.selectedTakeId };
}

export function statusOf(state: AdState, runNumber: number, startedBy?: string): AdStatus {
  return {
    adId: state.adId,
    stage: state.stage,
    progress: state.progress,
    mainTaskId: state.mainTaskId,
    composeTaskId: state.composeTaskId,
    storyboards: state.storyboards.map((slot, index) => ({ index, takes: slot.takes, selectedTakeId: slot.selectedTakeId })),
    narration: publicSlot(state.narration),
    bgm: publicSlot(state.bgm),
    edits: state.edits.map(publicEdit),
    editsUsed: state.editsUsed,
    maxEdits: state.maxEdits,
    creditsSpent: creditsSpent(state),
    credits: creditsStatus(state),
    reviewDeadline: state.stage === 'review' ? state.reviewDeadline : undefined,
    result: state.result,
    lastError: state.lastError,
    waitingFor: state.waitingFor,
    requests: state.requests,
    ...(startedBy !== undefined && { startedBy }),
    runNumber,
    notification: state.notification,
  };
}
