// The client-side check before the select update: what is refused, in words
// that name the takes there are, and that a request the ad already answered
// is not judged again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectionProblem, selectionRefusal } from '../../src/starter/takeSelection';
import type { AdStatus, SelectTakeInput } from '../../src/workflows/ad/contract';

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
    requests: [],
    runNumber: 1,
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

describe('selectionRefusal', () => {
  const take: SelectTakeInput = { kind: 'video', storyboardIndex: 1, takeId: 'b1' };

  it('judges a new request by the status', () => {
    assert.match(selectionRefusal(statusWith({ stage: 'composing' }), take, 'req-new') ?? '', /during review only/);
    assert.equal(selectionRefusal(statusWith(), take, 'req-new'), undefined);
  });

  it('lets a request the ad already answered through, so the update returns its first answer', () => {
    // The select was accepted, then the ad was approved: a retry must not be told "not in review".
    const answered = statusWith({
      stage: 'composing',
      requests: [{ requestId: 'req-1', kind: 'select', via: 'update', outcome: 'accepted', at: 1 }],
    });
    assert.equal(selectionRefusal(answered, take, 'req-1'), undefined);
    assert.match(selectionRefusal(answered, take, 'req-2') ?? '', /during review only/);
  });
});
