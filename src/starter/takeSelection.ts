// Choosing a take is a signal, and signals carry no answer: the workflow
// refuses a bad one silently (it only records lastError). So the client checks
// the request against the status first, and afterwards reads the status again
// until the selection shows, or the workflow's refusal does.
import { isFinishedStage, type AdStatus, type SelectTakeInput, type TakeStatus } from '../workflows/messages';
import { describeSlot } from '../workflows/selection';

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

export interface AwaitSelectionOptions {
  /** How long to wait for the selection to show. Default 5 s. */
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * After the signal: reads the status until the requested take is selected
 * (answers undefined) or the workflow recorded a refusal (answers its words).
 * `lastErrorBefore` is lastError as it was before the signal, so an old error
 * is not taken for this request's refusal.
 */
export async function awaitSelection(
  readStatus: () => Promise<AdStatus>,
  take: SelectTakeInput,
  lastErrorBefore: string | undefined,
  options: AwaitSelectionOptions = {},
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 100;
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const status = await readStatus();
    // The refusal is checked first: re-selecting the selected take is refused too once the ad is approved.
    if (status.lastError !== undefined && status.lastError !== lastErrorBefore && /select take rejected/.test(status.lastError)) {
      return status.lastError;
    }
    if (slotOf(status, take)?.selectedTakeId === take.takeId) return undefined;
    if (Date.now() >= giveUpAt) {
      const changed = status.lastError !== undefined && status.lastError !== lastErrorBefore;
      return changed ? status.lastError : `the workflow did not apply the selection within ${timeoutMs / 1000} s (the ad is ${status.stage})`;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
