// An operator's choice of an existing take (the selectTake signal and the
// select update): checked against the ad's state, then applied.
import type { AdState } from './state';
import { selectTakeProblem } from './editRules';
import type { SelectTakeInput } from './contract';
import { describeSlot, slotOf } from './selection';

/** Why the choice cannot be made now, as "field: rule"; undefined when it can. */
export function takeChoiceProblem(state: AdState, request: SelectTakeInput, reviewOpen: boolean): string | undefined {
  if (!reviewOpen || state.approved) {
    return `stage: takes are selected during review only (the ad is ${state.stage}${state.approved ? ', approved' : ''})`;
  }
  const problem = selectTakeProblem(request, state.storyboards.length);
  if (problem) return problem;
  const take = slotOf(state, request.kind, request.storyboardIndex)!.takes.find((t) => t.id === request.takeId);
  if (take?.state === 'success') return undefined;
  const why = take ? `is ${take.state}, not success` : 'is not one of its takes';
  return `takeId: ${request.takeId} ${why} (${describeSlot(request.kind, request.storyboardIndex)})`;
}

export function applyTakeChoice(state: AdState, request: SelectTakeInput): void {
  const target = slotOf(state, request.kind, request.storyboardIndex)!;
  target.selectedTakeId = request.takeId;
  target.selectedSeq = ++state.seq;
}
