// The one object every part of the ad workflow works through: the ad's input
// and state, its limits, its activity groups (typed by retry policy) and its
// budget, and what a part may ask of the run (enter a stage, say what it is
// waiting for, publish the status, await a Vidu task, cancel). The workflow's
// run (./workflow.ts) is the only implementation; each part takes it whole
// instead of a bag of callbacks of its own.
import type { CancellationScope } from '@temporalio/workflow';
import type { TaskSnapshot } from './activityContract';
import type { ActivityGroups } from './activityGroups';
import type { AdBudget } from './budget';
import type { AdFilmInput, AdStage } from './contract';
import type { PollingSchedule } from './pollingSchedule';
import type { AdState } from './state';

/** The ad's limits, from its input or their defaults (src/workflows/shared/inputRules.ts). */
export interface AdLimits {
  taskDeadlineMs: number;
  queueDeadlineMs: number;
  outageBudgetMs: number;
  adoptWindowMs: number;
  heartbeatTimeoutMs: number;
  continueAsNewAfterEvents: number;
  polling: PollingSchedule;
}

export interface AdRun {
  readonly input: AdFilmInput;
  readonly state: AdState;
  /** 1 for the first run; grows with each continue-as-new. */
  readonly runNumber: number;
  readonly limits: AdLimits;
  readonly acts: ActivityGroups;
  readonly budget: AdBudget;
  /** Everything long-running runs under this scope, so one cancel (signal or Temporal) stops it all. */
  readonly body: CancellationScope;
  /** True while the operator's review is open. */
  readonly reviewOpen: boolean;
  setStage(stage: AdStage): void;
  /** What the ad waits for, as the status says it; undefined: nothing. */
  setWaiting(message: string | undefined): void;
  /** Publishes the status (search attributes, Web UI details, the campaign's report). */
  refresh(): void;
  /** Awaits one Vidu task (callbacks, polling as the safety net) and keeps its credits current. */
  awaitTask(taskId: string, label: string, onProgress: (progress: number) => void): Promise<TaskSnapshot>;
  /** Why edits are not accepted now, or undefined when they are (input edits skip the review rule). */
  editsClosedBecause(fromInput: boolean): string | undefined;
  /** True once the ad is finished or a cancel was accepted. */
  closed(): boolean;
  /** The cancel request: records the reason and cancels the body. */
  cancel(reason: string): void;
  /** A successful edit added a take: the moment to keep its files. */
  takeAdded(): void;
}
