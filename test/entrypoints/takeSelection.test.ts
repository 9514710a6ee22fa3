// The client-side checks around selecting a take: what is refused before the
// signal, and how the answer is read back from the status afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awaitSelection, selectionProblem } from '../../src/starter/takeSelection';
import type { AdStatus, SelectTakeInput } from '../../src/workflows/messages';

function statusWith(overrides: Partial<AdStatus> = {}): AdStatus {
  return {
    adId: 'ad-1',
    stage: 'review',
    progress: 100,
    storyboards: [
      { index: 0, selectedTakeId: 'a0', takes: [{ id: 'a0', prompt: 'p', state: 'success' }, { id: 'a1', prompt: 'p', state: 'processing' }] },
      { index: 1, selectedTakeId: 'b0', takes: [{ id: 'b0', prompt: 'p', state: 'success' }, { id: 'b1', prompt: 'p', state: 'success' }] },
    ],
    narration: { selectedTakeId: 'n0', takes: [{ id: 'n0', prompt: 'p', state: 'success' }] },
    edits: [],
    editsUsed: 0,
    maxEdits: 10,
    creditsSpent: 0,
    ...overrides,
  };
}

describe('selectionProblem', () => {
  it('accepts a finished take of the named part during review', () => {
    assert.equal(selectionProblem(statusWith(), { kind: 'video', storyboardIndex: 1, takeId: 'b1' }), undefined);
    assert.equal(selectionProblem(statusWith(), { kind: 'narration', takeId: 'n0' }), undefined);
  });

  it('refuses outside review, naming the stage', () => {
    const take: SelectTakeInput = { kind: 'video', storyboardIndex: 1, takeId: 'b1' };
    assert.match(selectionProblem(statusWith({ stage: 'generating' }), take) ?? '', /during review only \(the ad is generating\)/);
    assert.match(selectionProblem(statusWith({ stage: 'done' }), take) ?? '', /already finished \(done\)/);
  });

  it("refuses another storyboard's take, an unfinished take and a missing part", () => {
    assert.match(selectionProblem(statusWith(), { kind: 'video', storyboardIndex: 0, takeId: 'b1' }) ?? '', /take b1 is not one of a0, a1 \(storyboard 0\)/);
    assert.match(selectionProblem(statusWith(), { kind: 'video', storyboardIndex: 0, takeId: 'a1' }) ?? '', /take a1 is processing, not success/);
    assert.match(selectionProblem(statusWith(), { kind: 'video', storyboardIndex: 5, takeId: 'a0' }) ?? '', /no storyboard 5 \(storyboards: 0, 1\)/);
    assert.match(selectionProblem(statusWith(), { kind: 'bgm', takeId: 'x' }) ?? '', /no bgm takes/);
  });
});

describe('awaitSelection', () => {
  const take: SelectTakeInput = { kind: 'video', storyboardIndex: 1, takeId: 'b1' };
  const fast = { timeoutMs: 200, intervalMs: 5 };

  /** A status reader answering `statuses` in turn, then repeating the last. */
  function reader(...statuses: AdStatus[]): () => Promise<AdStatus> {
    let i = 0;
    return () => Promise.resolve(statuses[Math.min(i++, statuses.length - 1)]!);
  }

  it('answers undefined once the take shows as selected', async () => {
    const selected = statusWith();
    selected.storyboards[1]!.selectedTakeId = 'b1';
    assert.equal(await awaitSelection(reader(statusWith(), selected), take, undefined, fast), undefined);
  });

  it("answers the workflow's refusal, and not an older error", async () => {
    const refusal = 'select take rejected: stage: takes are selected during review only (the ad is review, approved)';
    assert.equal(await awaitSelection(reader(statusWith({ lastError: refusal })), take, 'an earlier edit failed', fast), refusal);
    const unchanged = await awaitSelection(reader(statusWith({ lastError: refusal })), take, refusal, fast);
    assert.match(unchanged ?? '', /did not apply the selection within 0.2 s/);
  });
});
