// How ads read on a terminal: the list, the detailed status with its
// storyboard table, the one-line progress display of `watch`, and what a
// retry did.
import type { RetriedAd } from '../../starter/retryAd';
import { isFinishedStage, type AdStatus, type TakeStatus } from '../../workflows/messages';
import type { AdListing } from './adminActions';
import { formatDurationMs, formatTable, truncate } from './cliSupport';

export function renderAdList(ads: AdListing[]): string {
  if (ads.length === 0) return 'No ads found.';
  return formatTable(
    ['AD ID', 'STAGE', 'STATUS', 'VIDU TASK', 'STARTED'],
    ads.map((ad) => [ad.adId, ad.stage ?? '-', ad.status, ad.viduTaskId ?? '-', ad.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')]),
  );
}

function takeRows(label: string, takes: TakeStatus[], selectedTakeId: string): string[][] {
  return takes.map((take, i) => [i === 0 ? label : '', take.id, take.state, take.id === selectedTakeId ? '*' : '', truncate(take.prompt || '(original)', 60)]);
}

export function renderStoryboardTable(status: AdStatus): string {
  const rows = [
    ...status.storyboards.flatMap((board) => takeRows(`storyboard ${board.index}`, board.takes, board.selectedTakeId)),
    ...(status.narration ? takeRows('narration', status.narration.takes, status.narration.selectedTakeId) : []),
    ...(status.bgm ? takeRows('bgm', status.bgm.takes, status.bgm.selectedTakeId) : []),
  ];
  if (rows.length === 0) return 'No storyboards yet (they appear once the first video is ready).';
  return formatTable(['PART', 'TAKE', 'STATE', 'SELECTED', 'PROMPT'], rows);
}

/** How many rejected requests `show` lists (the status keeps the latest 100 requests). */
const REJECTED_SHOWN = 5;

export function renderStatus(status: AdStatus, now = Date.now()): string {
  const lines = [
    `Ad ${status.adId}`,
    `  stage      ${status.stage}${isFinishedStage(status.stage) ? '' : ` (${status.progress}%)`}`,
    `  main task  ${status.mainTaskId ?? '-'}${status.composeTaskId ? `   compose task ${status.composeTaskId}` : ''}`,
    `  edits      ${status.editsUsed} of ${status.maxEdits} used`,
    `  credits    ${status.creditsSpent} spent`,
  ];
  if (status.reviewDeadline !== undefined) lines.push(`  review     closes in ${formatDurationMs(status.reviewDeadline - now)}`);
  if (status.runNumber > 1) lines.push(`  run        ${status.runNumber} (continued as new)`);
  if (status.waitingFor) lines.push(`  waiting    ${status.waitingFor}`);
  if (status.lastError) lines.push(`  last error ${status.lastError}`);
  lines.push('', renderStoryboardTable(status));
  const rejected = (status.requests ?? []).filter((r) => r.outcome === 'rejected').slice(-REJECTED_SHOWN);
  if (rejected.length > 0) {
    lines.push(
      '',
      `Rejected requests (latest ${rejected.length}):`,
      formatTable(
        ['REQUEST ID', 'KIND', 'VIA', 'REASON'],
        rejected.map((r) => [r.requestId, r.kind, r.via, truncate(r.reason ?? '-', 80)]),
      ),
    );
  }
  if (status.edits.length > 0) {
    lines.push(
      '',
      formatTable(
        ['EDIT', 'TARGET', 'STATE', 'SUB-TASK', 'PROMPT'],
        status.edits.map((edit, i) => [
          String(i + 1),
          edit.kind === 'video' ? `storyboard ${edit.storyboardIndex}` : edit.kind,
          edit.error ? `${edit.state}: ${truncate(edit.error, 40)}` : edit.state,
          edit.subTaskId ?? '-',
          truncate(edit.prompt, 50),
        ]),
      ),
    );
  }
  if (status.result) {
    lines.push('', `Result (${status.result.outcome}):`, `  video  ${status.result.video.path}`, `  cover  ${status.result.cover.path}`);
  }
  return lines.join('\n');
}

const BAR_WIDTH = 20;

/** One line: stage, a progress bar, edits in flight, credits. */
export function renderProgressLine(status: AdStatus): string {
  const filled = Math.round((Math.min(100, Math.max(0, status.progress)) / 100) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const running = status.edits.filter((e) => e.state === 'pending' || e.state === 'running').length;
  const parts = [`ad ${status.adId}`, status.stage.padEnd(10), isFinishedStage(status.stage) ? '' : `${bar} ${String(status.progress).padStart(3)}%`];
  if (running > 0) parts.push(`${running} edit(s) running`);
  parts.push(`credits ${status.creditsSpent}`);
  return parts.filter(Boolean).join('  ');
}

/** What `retry` did, in a sentence or two. */
export function renderRetry(adId: string, retried: Omit<RetriedAd, 'ad'>): string {
  const before = `${retried.previous.status}${retried.previous.failure?.type ? `: ${retried.previous.failure.type}` : ''}`;
  if (retried.action === 'resumed') {
    const dropped = retried.droppedEdits > 0 ? ` The ${retried.droppedEdits} edit(s) of its input were sent by an earlier run and are not sent again (their takes remain among the ad's takes).` : '';
    return `Ad ${adId} resumed from its existing Vidu task ${retried.resumedFromTaskId}: no new task is created (the last run ended ${before}; new run ${retried.runId}).${dropped}`;
  }
  return `Ad ${adId} retried: the new run creates a new Vidu task (the last run ended ${before}; new run ${retried.runId}).`;
}
