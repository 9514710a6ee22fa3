// The client's own check of a take selection against the ad's status, made
// before the `select` update is sent. The update's validator has the last
// word; this check exists for its answer: it names the takes a part has, so an
// operator who mistyped a take id sees which ones there are.
import { isFinishedStage, type AdStatus, type SelectTakeInput, type TakeStatus } from '../workflows/ad/contract';
import { describeSlot } from '../workflows/ad/selection';

function slotOf(status: AdStatus, take: SelectTakeInput): { takes: TakeStatus[]; selectedTakeId: string } | undefined {
  if (take.kind === 'video') return status.storyboards.find((s) => s.index === take.storyboardIndex);
  return take.kind === 'narration' ? status.narration : status.bgm;
}

/** Why the workflow would refuse this selection now, judged from its status; undefined when it would not. */
export function selectionProblem(status: AdStatus, take: SelectTakeInput): string | undefined {
  if (isFinishedStage(status.stage)) return `the ad has already finished (${status.stage})`;
  if (status.stage !== 'review') return `takes are selected during review only (the ad is ${status.stage})`;
  if (take.kind === 'video' && take.storyboardIndex === undefined) return 'storyboardIndex is required to select a video take';
  const slot = slotOf(status, take);
  if (!slot) {
    const known = status.storyboards.map((s) => s.index).join(', ') || 'none yet';
    return take.kind === 'video' ? `there is no storyboard ${take.storyboardIndex} (storyboards: ${known})` : `the ad has no ${take.kind} takes yet`;
  }
  const found = slot.takes.find((t) => t.id === take.takeId);
  if (!found) return `take ${take.takeId} is not one of ${slot.takes.map((t) => t.id).join(', ')} (${describeSlot(take.kind, take.storyboardIndex)})`;
  if (found.state !== 'success') return `take ${take.takeId} is ${found.state}, not success (${describeSlot(take.kind, take.storyboardIndex)})`;
  return undefined;
}

/**
 * The client's verdict before sending the select update. A request id the ad
 * has already answered is not judged again: the update returns its first
 * answer, even if the ad has moved on since (e.g. approved after it).
 */
export function selectionRefusal(status: AdStatus, take: SelectTakeInput, requestId: string): string | undefined {
  const answered = (status.requests ?? []).some((r) => r.requestId === requestId);
  return answered ? undefined : selectionProblem(status, take);
}
