// Records the histories of the ad workflow's main paths into test/histories/,
// where test/workflows/replay.test.ts replays them against the current
// workflow code: a change that would break running ads (non-determinism)
// fails the suite.
//
// Regenerate (after an intended, patched() or versioned, workflow change):
//   npx tsx test/support/recordHistories.ts
// or record only some paths, keeping the others (histories made before a
// patch are what proves that running ads still replay):
//   npx tsx test/support/recordHistories.ts credit-budget
// It starts its own Temporal dev server and simulator; nothing else needs to run.
// Each file is named after its workflow id, which the replay passes on.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import {
  approveSignal,
  cancelAdSignal,
  editUpdate,
  requestEditSignal,
  selectTakeSignal,
  workflowIdForAd,
  type AdFilmInput,
} from '../../src/workflows/ad/contract';
import { openAdHarness, waitForStatus, type AdHarness } from '../workflows/harness';
import { HISTORIES_DIR, historyToFileText } from './historyFiles';

type Scenario = (h: AdHarness, taskQueue: string, adId: string) => Promise<WorkflowHandle[]>;

const review = (onTimeout: NonNullable<AdFilmInput['review']>['onTimeout'], windowMs = 120_000) => ({ enabled: true, windowMs, onTimeout });

async function finish(handle: WorkflowHandle): Promise<WorkflowHandle[]> {
  await handle.result().catch(() => undefined);
  return [handle];
}

const scenarios: Record<string, Scenario> = {
  'no-edits': async (h, tq, adId) => finish(await h.startAd(tq, { adId })),

  'input-edits': async (h, tq, adId) =>
    finish(
      await h.startAd(tq, {
        adId,
        edits: [
          { kind: 'video', storyboardIndex: 1, prompt: 'in the rain' },
          { kind: 'narration', prompt: 'Fresh all day.' },
        ],
      }),
    ),

  'review-approved': async (h, tq, adId) => {
    const handle = await h.startAd(tq, { adId, review: review('fail') });
    const reviewing = await waitForStatus(handle, (s) => s.stage === 'review', 'review');
    await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'by update' }] });
    await handle.signal(requestEditSignal, { kind: 'bgm', prompt: 'by signal' });
    await waitForStatus(handle, (s) => s.edits.length === 2 && s.edits.every((e) => e.state === 'succeeded'), 'edits');
    const board = reviewing.storyboards[2]!;
    await handle.signal(selectTakeSignal, { kind: 'video', storyboardIndex: 2, takeId: board.takes.at(-1)!.id });
    await handle.signal(approveSignal);
    return finish(handle);
  },

  'review-timeout-keep-first': async (h, tq, adId) => {
    const handle = await h.startAd(tq, { adId, review: review('keep-first-video', 2_000) });
    await waitForStatus(handle, (s) => s.stage === 'review', 'review');
    await handle.executeUpdate(editUpdate, { args: [{ kind: 'narration', prompt: 'not kept' }] });
    return finish(handle);
  },

  'cancelled-by-signal': async (h, tq, adId) => {
    const handle = await h.startAd(tq, { adId, review: review('fail') });
    await waitForStatus(handle, (s) => s.stage === 'review', 'review');
    await handle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 1, prompt: 'cancelled in flight' }] });
    await handle.signal(cancelAdSignal, { reason: 'recorded cancel' });
    return finish(handle);
  },

  'failed-main-task': async (h, tq, adId) => {
    h.sim.setFaults({ taskFailures: [{ kind: 'ad', errCode: 'AuditSubmitIllegal' }] });
    try {
      return await finish(await h.startAd(tq, { adId }));
    } finally {
      h.sim.setFaults({});
    }
  },

  // maxCredits 700: the create (600) and the compose (1) are reserved, a narration edit (10) fits, a storyboard edit (200) is refused.
  'credit-budget': async (h, tq, adId) => {
    const handle = await h.startAd(tq, { adId, maxCredits: 700, review: review('fail') });
    await waitForStatus(handle, (s) => s.stage === 'review', 'review');
    await handle.executeUpdate(editUpdate, { args: [{ kind: 'narration', prompt: 'within budget' }] });
    await handle.signal(requestEditSignal, { kind: 'video', storyboardIndex: 0, prompt: 'over budget', requestId: 'over-budget' });
    await waitForStatus(handle, (s) => s.edits[0]?.state === 'succeeded' && s.requests.some((r) => r.requestId === 'over-budget'), 'the edit and the refusal');
    await handle.signal(approveSignal);
    return finish(handle);
  },

  'continued-as-new': async (h, tq, adId) => {
    const handle = await h.startAd(tq, { adId, continueAsNewAfterEvents: 120, review: review('fail') });
    const reviewing = await waitForStatus(handle, (s) => s.stage === 'review', 'review');
    const takes = reviewing.storyboards[0]!.takes.map((t) => t.id);
    const firstRunId = handle.firstExecutionRunId;
    for (let i = 0; i < 200; i += 1) {
      await handle.signal(selectTakeSignal, { kind: 'video', storyboardIndex: 0, takeId: takes[i % takes.length]! });
      if ((await handle.describe()).runId !== firstRunId) break;
    }
    await h.env.client.workflow.getHandle(handle.workflowId).signal(approveSignal);
    await handle.result();
    // Both runs: the one that continued as new and the one that finished.
    const latest = await h.env.client.workflow.getHandle(handle.workflowId).describe();
    return [h.env.client.workflow.getHandle(handle.workflowId, firstRunId), h.env.client.workflow.getHandle(handle.workflowId, latest.runId)];
  },
};

async function main(only: string[]): Promise<void> {
  const unknown = only.filter((name) => !(name in scenarios));
  if (unknown.length > 0) throw new Error(`no such path: ${unknown.join(', ')} (known: ${Object.keys(scenarios).join(', ')})`);
  const chosen = Object.entries(scenarios).filter(([name]) => only.length === 0 || only.includes(name));
  const h = await openAdHarness();
  try {
    await mkdir(HISTORIES_DIR, { recursive: true });
    for (const name of await readdir(HISTORIES_DIR)) {
      const recordedPath = name.replace(/^ad-history-/, '').replace(/(\.run\d+)?\.json$/, '');
      if (name.endsWith('.json') && chosen.some(([chosenName]) => chosenName === recordedPath)) await rm(path.join(HISTORIES_DIR, name));
    }
    await h.withWorker(async (taskQueue) => {
      for (const [name, scenario] of chosen) {
        const handles = await scenario(h, taskQueue, `history-${name}`);
        for (const [index, handle] of handles.entries()) {
          const history = await handle.fetchHistory();
          const file = `${workflowIdForAd(`history-${name}`)}${handles.length > 1 ? `.run${index + 1}` : ''}.json`;
          await writeFile(path.join(HISTORIES_DIR, file), historyToFileText(history));
          console.log(`recorded ${file} (${history.events?.length ?? 0} events)`);
        }
      }
    });
  } finally {
    await h.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
