// One workflow per campaign: each variant of the brief runs as a child ad
// workflow, at most `maxConcurrent` of them in a Vidu stage at once (creating,
// generating, editing, composing), started in a stable order with priorities.
// An ad waiting in review does not hold a place, and neither do the edits an
// operator starts during its review: those run at Vidu beside the window, so
// Vidu's own queue (its tasks wait in `queueing`) absorbs them. The ads report every
// change of stage by signal (campaignReporter.ts), which is all the campaign
// needs to count, start the next and sum its status. The ads are started with
// parent-close policy ABANDON, so the campaign can continue as new (a
// 500-variant campaign's history stays bounded) without touching them.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { adFilmWorkflow } from '../ad/workflow';
import type { CampaignActivities } from './activityContract';
import { refund, type LedgerState } from '../shared/ledger';
import { allotmentFor, allotmentRefusal, campaignCredits, editBudgetRefusal, newCampaignLedger, reserveAllotment, settleAllotment } from './budget';
import { CampaignDesk } from './desk';
import * as c from './contract';
import { campaignInputProblems, expandVariants } from './variants';
import { FAILURE_TYPES } from '../shared/failures';
import { continuedProblem, INPUT_RULES_PATCH } from '../shared/inputRules';
import { isFinishedStage, senderOf, workflowIdForAd, type AdFilmInput, type AdStage } from '../ad/contract';

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 4_000;
/** The stages in which an ad has a task running at Vidu. */
const AT_VIDU: readonly (AdStage | undefined)[] = [undefined, 'creating', 'generating', 'editing', 'composing'];

const { readAccount } = proxyActivities<CampaignActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 10 } });

export async function campaignWorkflow(input: c.CampaignInput): Promise<c.CampaignResult> {
  return new CampaignRun(input).run();
}

class CampaignRun {
  private readonly runNumber: number;
  private readonly state: { campaignId: string; variants: c.CampaignVariantStatus[]; requests: c.CampaignRequestRecord[]; cancelled?: string; ledger?: LedgerState };
  private maxConcurrent: number | undefined;
  private readonly desk: CampaignDesk;

  constructor(private readonly input: c.CampaignInput) {
    // Only this workflow writes `continued` (checked in run()): its ledger is this workflow's.
    const continued = input.continued as c.CampaignContinuation<LedgerState> | undefined;
    this.runNumber = continued?.run ?? 1;
    this.state = {
      campaignId: input.campaignId,
      variants: continued?.variants ?? [],
      requests: continued?.requests ?? [],
      cancelled: continued?.cancelled,
      ledger: continued ? continued.ledger : newCampaignLedger(input),
    };
    this.maxConcurrent = continued?.maxConcurrent;
    this.desk = new CampaignDesk(this.state, (targets, edit) => editBudgetRefusal(input, targets, edit));
    setHandler(c.campaignStatusQuery, () => this.status());
    setHandler(c.campaignAdReportSignal, (report) => this.receive(report));
    setHandler(c.campaignApproveUpdate, (request) => this.desk.approve(request), { validator: (request) => this.desk.validate('approve', request) });
    setHandler(c.campaignEditUpdate, (request) => this.desk.edit(request), { validator: (request) => this.desk.validate('edit', request) });
    setHandler(c.campaignCancelUpdate, (request) => this.desk.cancel(request), { validator: (request) => this.desk.validate('cancel', request) });
  }

  async run(): Promise<c.CampaignResult> {
    // Under the shared rules, `continued` is honoured only in a run that was continued as new.
    const sharedRules = patched(INPUT_RULES_PATCH);
    const refused = sharedRules ? continuedProblem(this.input.continued, workflowInfo().continuedFromExecutionRunId) : undefined;
    if (refused) throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidInput, message: refused, nonRetryable: true });
    if (!this.input.continued) this.begin(sharedRules);
    this.maxConcurrent ??= this.input.maxConcurrent ?? (await readAccount()).concurrencyLimit;
    this.publish();
    const afterEvents = this.input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
    const due = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= afterEvents;
    for (;;) {
      await condition(() => this.finished() || this.canStart() !== undefined || this.budgetExhausted() !== undefined || due());
      if (this.finished()) break;
      const next = this.canStart();
      const unaffordable = this.budgetExhausted();
      if (next) await this.start(next);
      else if (unaffordable) this.skip(unaffordable, allotmentRefusal(this.state.ledger, this.input, unaffordable)!);
      else if (due()) return this.continueAsNew();
    }
    await condition(allHandlersFinished);
    const status = this.status();
    return { campaignId: status.campaignId, stage: status.stage, byStage: status.byStage, creditsSpent: status.creditsSpent, adIds: status.variants.map((v) => v.adId) };
  }

  private begin(sharedRules: boolean): void {
    const problems = campaignInputProblems(this.input, sharedRules ? 'shared' : 'before-shared');
    if (problems.length > 0) throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidInput, message: problems.join('; '), nonRetryable: true });
    this.state.variants = expandVariants(this.input);
  }

  /** The next variant in order, if a place at Vidu is free and its allotment fits the budget. */
  private canStart(): c.CampaignVariantStatus | undefined {
    if (this.state.cancelled !== undefined || this.atVidu() >= this.maxConcurrent!) return undefined;
    const next = this.state.variants.find((v) => v.state === 'waiting');
    return next && !allotmentRefusal(this.state.ledger, this.input, next) ? next : undefined;
  }

  /** The next variant, when its allotment does not fit and no running ad can free any: it can never start. */
  private budgetExhausted(): c.CampaignVariantStatus | undefined {
    if (this.state.cancelled !== undefined) return undefined;
    const next = this.state.variants.find((v) => v.state === 'waiting');
    if (!next || !allotmentRefusal(this.state.ledger, this.input, next)) return undefined;
    const running = this.state.variants.some((v) => v.state === 'started' && !isFinishedStage(v.stage ?? 'creating'));
    return running ? undefined : next;
  }

  private skip(variant: c.CampaignVariantStatus, why: string): void {
    variant.state = 'skipped';
    variant.error = why;
    log.warn(`campaign ${this.input.campaignId}: ${variant.adId} not started: ${why}`);
    this.publish();
  }

  private atVidu(): number {
    return this.state.variants.filter((v) => v.state === 'started' && AT_VIDU.includes(v.stage)).length;
  }

  private finished(): boolean {
    return this.state.variants.every((v) => v.state === 'skipped' || (v.state === 'started' && isFinishedStage(v.stage ?? 'creating')));
  }

  private async start(variant: c.CampaignVariantStatus): Promise<void> {
    const { input } = this;
    const product = input.products?.find((p) => p.productId === variant.productId);
    const startedBy = senderOf(input.startedBy);
    const { startedBy: _notTheCallers, ...adOptions } = (input.ads ?? {}) as c.CampaignAdOptions & { startedBy?: unknown };
    const adInput: AdFilmInput = {
      ...adOptions,
      // An ad of a campaign is started by whoever started the campaign (only that, whatever `ads` says).
      ...(startedBy !== undefined && { startedBy }),
      adId: variant.adId,
      images: product?.images ?? input.images!,
      prompt: input.variantPrompts?.[variant.key] ?? product?.prompt ?? input.prompt,
      aspectRatio: variant.aspectRatio,
      language: variant.language,
      duration: variant.duration,
      campaign: { workflowId: workflowInfo().workflowId },
    };
    const allotment = allotmentFor(input, variant);
    if (allotment !== undefined) adInput.maxCredits = allotment;
    reserveAllotment(this.state.ledger, input, variant);
    variant.state = 'started';
    try {
      const child = await startChild(adFilmWorkflow, {
        workflowId: workflowIdForAd(variant.adId),
        args: [adInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // An ad id runs once: a campaign never makes (and pays for) the same ad twice.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Ad ${variant.adId} of campaign ${input.campaignId}`,
      });
      // The run that started it also hears how it ended, should the ad end without a report (terminated).
      child.result().then(
        () => this.ended(variant, 'done'),
        (err: unknown) => this.ended(variant, 'failed', String(err)),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      if (this.state.ledger) refund(this.state.ledger, variant.adId);
      this.skip(variant, `an ad with id ${variant.adId} already exists; the campaign did not start it again`);
    }
    this.publish();
  }

  private receive(report: c.CampaignAdReport): void {
    const variant = this.state.variants.find((v) => v.adId === report.adId);
    // Once finished, an ad's stage stays: a late report of an earlier stage changes nothing. Its own
    // final report still wins over what the campaign inferred from the child's end (which may come first).
    if (!variant || (variant.stage !== undefined && isFinishedStage(variant.stage) && !isFinishedStage(report.stage))) return;
    variant.stage = report.stage;
    variant.progress = report.progress;
    variant.creditsSpent = report.creditsSpent;
    variant.creditsReserved = report.creditsReserved;
    variant.error = report.error;
    // The ad's own final report settles its allotment (its end alone, without one, keeps it held: the safe side).
    if (isFinishedStage(report.stage)) settleAllotment(this.state.ledger, variant);
    this.publish();
  }

  private ended(variant: c.CampaignVariantStatus, stage: 'done' | 'failed', error?: string): void {
    if (variant.stage !== undefined && isFinishedStage(variant.stage)) return;
    variant.stage = stage;
    if (error !== undefined) variant.error = error;
    this.publish();
  }

  private async continueAsNew(): Promise<never> {
    await condition(allHandlersFinished);
    const next = makeContinueAsNewFunc<typeof campaignWorkflow>();
    const { variants, requests, cancelled, ledger } = this.state;
    return next({ ...this.input, continued: { run: this.runNumber + 1, variants, requests, cancelled, ledger, maxConcurrent: this.maxConcurrent! } });
  }

  private status(): c.CampaignStatus {
    const { variants } = this.state;
    const byStage: c.CampaignStatus['byStage'] = {};
    for (const v of variants) {
      const key = v.state === 'started' ? (v.stage ?? 'creating') : v.state;
      byStage[key] = (byStage[key] ?? 0) + 1;
    }
    const progress = variants.length === 0 ? 0 : Math.round(variants.reduce((sum, v) => sum + variantProgress(v), 0) / variants.length);
    const done = this.finished();
    return {
      campaignId: this.state.campaignId,
      stage: this.state.cancelled !== undefined ? 'cancelled' : done && variants.length > 0 ? 'done' : 'running',
      total: variants.length,
      byStage,
      progress,
      creditsSpent: variants.reduce((sum, v) => sum + v.creditsSpent, 0),
      ...(this.state.ledger && { budget: campaignCredits(this.state.ledger) }),
      maxConcurrent: this.maxConcurrent,
      atVidu: this.atVidu(),
      run: this.runNumber,
      variants,
      requests: this.state.requests,
      ...(senderOf(this.input.startedBy) !== undefined && { startedBy: senderOf(this.input.startedBy) }),
    };
  }

  private publish(): void {
    const s = this.status();
    const counts = Object.entries(s.byStage).map(([stage, n]) => `${n} ${stage}`).join(', ');
    setCurrentDetails(
      [
        `**Campaign ${s.campaignId}: ${s.stage}**, ${s.progress}%${this.runNumber > 1 ? ` (run ${this.runNumber})` : ''}`,
        `${s.total} ads: ${counts}`,
        `At Vidu: ${s.atVidu} of at most ${s.maxConcurrent ?? '?'}`,
        `Credits spent: ${s.creditsSpent}${s.budget ? ` (budget ${s.budget.limit}: ${s.budget.reserved} allotted to running ads, ${s.budget.spent} spent by ended ones)` : ''}`,
      ].join('\n\n'),
    );
  }
}

/** 0-100 for one variant: the finished count as 100, the waiting as 0, the rest by stage and progress. */
function variantProgress(v: c.CampaignVariantStatus): number {
  if (v.state !== 'started') return v.state === 'skipped' ? 100 : 0;
  switch (v.stage) {
    case undefined:
    case 'creating':
      return 0;
    case 'generating':
      return Math.round(v.progress * 0.8);
    case 'done':
    case 'failed':
    case 'cancelled':
      return 100;
    default:
      return 80 + Math.round(v.progress * 0.15);
  }
}
