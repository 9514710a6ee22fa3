// The takes an ad will be composed from. The initial selection is what Vidu's
// first composed video used; edits and operator choices change it, and the ad
// is composed again only when the final selection differs from the first.
import type { AdRecords, TakeRecord } from './activityContract';
import type { AdState, SlotState } from './state';
import type { AdSelection, EditKind, TakeStatus } from './contract';

function takeStatus(record: TakeRecord): TakeStatus {
  return { id: record.id, prompt: record.prompt, state: record.state };
}

function firstSuccessful(records: TakeRecord[]): string {
  return (records.find((r) => r.state === 'success') ?? records[0])?.id ?? '';
}

function slot(records: TakeRecord[], selectedTakeId: string): SlotState {
  return { takes: records.map(takeStatus), selectedTakeId, selectedSeq: 0 };
}

/**
 * Slots from the ad's sub-records. When Vidu lists no composed video (or its
 * params are missing), each slot falls back to its first successful take.
 */
export function slotsFromRecords(records: AdRecords): Pick<AdState, 'storyboards' | 'narration' | 'bgm' | 'firstSelection' | 'composedIds'> {
  const first = records.firstSelection;
  const usable = first !== undefined && first.videoTaskIds.length === records.storyboards.length;
  const storyboards = records.storyboards.map((takes, index) => slot(takes, usable ? first.videoTaskIds[index]! : firstSuccessful(takes)));
  const narration = slot(records.narration, usable ? first.narrationTaskId : firstSuccessful(records.narration));
  const bgm = slot(records.bgm, usable ? first.bgmTaskId : firstSuccessful(records.bgm));
  const state = { storyboards, narration, bgm, composedIds: records.composedIds };
  return { ...state, firstSelection: selectionOf(state) };
}

export function selectionOf(state: Pick<AdState, 'storyboards' | 'narration' | 'bgm'>): AdSelection {
  return {
    videoTaskIds: state.storyboards.map((s) => s.selectedTakeId),
    narrationTaskId: state.narration?.selectedTakeId ?? '',
    bgmTaskId: state.bgm?.selectedTakeId ?? '',
  };
}

export function sameSelection(a: AdSelection, b: AdSelection): boolean {
  return (
    a.narrationTaskId === b.narrationTaskId &&
    a.bgmTaskId === b.bgmTaskId &&
    a.videoTaskIds.length === b.videoTaskIds.length &&
    a.videoTaskIds.every((id, i) => id === b.videoTaskIds[i])
  );
}

export function slotOf(state: AdState, kind: EditKind, storyboardIndex: number | undefined): SlotState | undefined {
  if (kind === 'narration') return state.narration;
  if (kind === 'bgm') return state.bgm;
  return storyboardIndex === undefined ? undefined : state.storyboards[storyboardIndex];
}

export function describeSlot(kind: EditKind, storyboardIndex: number | undefined): string {
  return kind === 'video' ? `storyboard ${storyboardIndex}` : kind === 'bgm' ? 'background music' : 'narration';
}

/** Records a finished take in its slot and selects it unless a later request already chose another. */
export function applyTake(target: SlotState, take: TakeStatus, requestSeq: number): boolean {
  const known = target.takes.find((t) => t.id === take.id);
  if (known) known.state = take.state;
  else target.takes.push(take);
  if (take.state !== 'success' || requestSeq < target.selectedSeq) return false;
  target.selectedTakeId = take.id;
  target.selectedSeq = requestSeq;
  return true;
}
