// Campaign-level requests (approve, edit, cancel) fanned out to the ads they
// concern, each ad's signal carrying "<requestId>:<variant key>" as its own
// request id, so a retried campaign request charges nothing twice. A request
// id seen before gets its first answer.
import { ApplicationFailure, getExternalWorkflowHandle, uuid4 } from '@temporalio/workflow';
import type { CampaignCancelInput, CampaignEditInput, CampaignRequestAccepted, CampaignRequestRecord, CampaignVariantStatus } from './contract';
import { FAILURE_TYPES } from '../shared/failures';
import { cancelReasonProblem, editPromptProblem, requestIdProblem } from '../shared/inputRules';
import { approveSignal, cancelAdSignal, isFinishedStage, requestEditSignal, senderOf, workflowIdForAd, type OperatorRequest } from '../ad/contract';

export interface CampaignDeskState {
  campaignId: string;
  variants: CampaignVariantStatus[];
  requests: CampaignRequestRecord[];
  cancelled?: string;
}

const inReview = (v: CampaignVariantStatus) => v.state === 'started' && v.stage === 'review';
const running = (v: CampaignVariantStatus) => v.state === 'started' && !isFinishedStage(v.stage ?? 'creating');

function refuse(message: string): never {
  throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidInput, message, nonRetryable: true });
}

export class CampaignDesk {
  constructor(
    private readonly state: CampaignDeskState,
    /** Why an edit would break the budget of every ad it targets, if so. */
    private readonly editRefusal: (targets: CampaignVariantStatus[], edit: CampaignEditInput) => string | undefined = () => undefined,
  ) {}

  private seen(request: OperatorRequest | undefined): CampaignRequestRecord | undefined {
    return request?.requestId === undefined ? undefined : this.state.requests.find((r) => r.requestId === request.requestId);
  }

  private targets(kind: CampaignRequestRecord['kind'], request: OperatorRequest & { variantKeys?: string[] }): CampaignVariantStatus[] {
    const chosen = request.variantKeys ? this.state.variants.filter((v) => request.variantKeys!.includes(v.key)) : this.state.variants;
    return chosen.filter(kind === 'cancel' ? running : inReview);
  }

  /** Synchronous: refuses at once what would reach no ad or names what does not exist. */
  validate(kind: CampaignRequestRecord['kind'], request: (OperatorRequest & { variantKeys?: string[] }) | undefined): void {
    if (request !== undefined && (typeof request !== 'object' || request === null)) refuse('request: must be an object');
    const requestId = request?.requestId;
    const idProblem = requestIdProblem(requestId);
    if (idProblem) refuse(`requestId: ${idProblem}`);
    const reasonProblem = kind === 'cancel' ? cancelReasonProblem((request as CampaignCancelInput | undefined)?.reason) : undefined;
    if (reasonProblem) refuse(`reason: ${reasonProblem}`);
    if (this.seen(request)) return;
    const { campaignId } = this.state;
    if (this.state.cancelled !== undefined) refuse(`campaign ${campaignId} is cancelled`);
    const keys = request?.variantKeys;
    if (keys !== undefined) {
      if (!Array.isArray(keys) || keys.length === 0) refuse('variantKeys: must list at least one variant key');
      const unknown = keys.filter((k) => !this.state.variants.some((v) => v.key === k));
      if (unknown.length > 0) refuse(`variantKeys: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a variant' : 'are not variants'} of campaign ${campaignId}`);
    }
    if (kind === 'edit') {
      const edit = request as CampaignEditInput;
      if (!['video', 'narration', 'bgm'].includes(edit.kind)) refuse('kind: must be "video", "narration" or "bgm"');
      const promptProblem = editPromptProblem(edit.prompt);
      if (promptProblem) refuse(`prompt: ${promptProblem}`);
      if (edit.kind === 'video' && !Number.isInteger(edit.storyboardIndex)) refuse('storyboardIndex: is required for a video edit');
      const overBudget = this.editRefusal(this.targets('edit', edit), edit);
      if (overBudget) refuse(overBudget);
    }
    if (kind !== 'cancel' && this.targets(kind, request ?? {}).length === 0) refuse(`no ad of campaign ${campaignId}${keys ? ' among those variants' : ''} is in review`);
  }

  async approve(request: OperatorRequest | undefined): Promise<CampaignRequestAccepted> {
    return this.fanOut('approve', request ?? {}, (requestId) => ({ requestId }), approveSignal);
  }

  async edit(request: CampaignEditInput): Promise<CampaignRequestAccepted> {
    const { kind, storyboardIndex, prompt } = request;
    return this.fanOut('edit', request, (requestId) => ({ requestId, kind, prompt, ...(storyboardIndex !== undefined && { storyboardIndex }) }), requestEditSignal);
  }

  /** Stops starting variants, skips the waiting ones and cancels every ad still running. */
  async cancel(request: CampaignCancelInput | undefined): Promise<CampaignRequestAccepted> {
    const reason = request?.reason ?? 'the campaign was cancelled';
    if (!this.seen(request)) {
      this.state.cancelled = reason;
      for (const v of this.state.variants) if (v.state === 'waiting') v.state = 'skipped';
    }
    return this.fanOut('cancel', request ?? {}, (requestId) => ({ requestId, reason }), cancelAdSignal);
  }

  private async fanOut<A>(
    kind: CampaignRequestRecord['kind'],
    request: OperatorRequest & { variantKeys?: string[] },
    argsFor: (requestId: string) => A,
    signal: Parameters<ReturnType<typeof getExternalWorkflowHandle>['signal']>[0],
  ): Promise<CampaignRequestAccepted> {
    const earlier = this.seen(request);
    if (earlier) return { requestId: earlier.requestId, adIds: earlier.adIds };
    const requestId = request.requestId ?? uuid4();
    const targets = this.targets(kind, request);
    // Who sent the campaign's request is who sent each ad's.
    const by = senderOf(request.by);
    const sender = by === undefined ? {} : { by };
    const record: CampaignRequestRecord = { requestId, kind, adIds: targets.map((v) => v.adId), ...sender };
    this.state.requests.push(record);
    await Promise.all(
      targets.map((v) =>
        getExternalWorkflowHandle(workflowIdForAd(v.adId))
          .signal(signal, { ...argsFor(`${requestId}:${v.key}`), ...sender })
          // An ad that ended meanwhile cannot take it; its own report says how it ended.
          .catch(() => undefined),
      ),
    );
    return { requestId, adIds: record.adIds };
  }
}
