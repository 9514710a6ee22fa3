// How ads read on a terminal: the list, the detailed status with its
// storyboard table and what the operator can do next, the one-line progress
// display of `watch`, and what a retry did.
import type { RetriedAd } from '../../starter/retryAd';
import { isFinishedStage, type AdStatus, type CreditsStatus, type TakeStatus } from '../../workflows/ad/contract';
import type { AdListing } from './adminActions';
import { ADMIN_BIN, formatClockTime, formatDurationMs, formatTable, truncate } from './cliSupport';

export function renderAdList(ads: AdListing[]): string {
  if (ads.length === 0) return 'No ads found.';
  return formatTable(
    ['AD ID', 'STAGE', 'STATUS', 'CREDITS', 'VIDU TASK', 'STARTED'],
    ads.map((ad) => [ad.adId, ad.stage ?? '-', ad.status, ad.credits ? shortCredits(ad.credits) : '-', ad.viduTaskId ?? '-', ad.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')]),
  );
}

/** "631 spent +1 reserved /700" (the limit only when the ad has maxCredits). */
export function shortCredits(credits: CreditsStatus): string {
  return `${credits.spent} spent${credits.reserved > 0 ? ` +${credits.reserved} reserved` : ''}${credits.limit !== undefined ? ` /${credits.limit}` : ''}`;
}

/** The status's credits in a sentence: spent, reserved, estimated and the budget (statuses from older workers: spent only). */
export function describeCredits(status: AdStatus): string {
  const credits = status.credits;
  if (!credits) return `${status.creditsSpent} spent`;
  const parts = [`${credits.spent} spent`, `${credits.reserved} reserved`, `${credits.estimated} estimated`];
  const budget = credits.limit !== undefined ? `, budget maxCredits=${credits.limit} (${Math.max(0, credits.limit - credits.spent - credits.reserved)} left)` : ', no budget';
  const overrun = credits.overrun > 0 ? `; Vidu charged ${credits.overrun} more than estimated` : '';
  return `${parts.join(', ')}${budget}${overrun}`;
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

/** Whether the ad is waiting on a Vidu task whose progress means something (not on the operator, nor after the end). */
function showsViduProgress(status: AdStatus): boolean {
  return ['creating', 'generating', 'composing'].includes(status.stage);
}

export function renderStatus(status: AdStatus, now = Date.now()): string {
  const lines = [
    `Ad ${status.adId}`,
    `  stage      ${status.stage}${showsViduProgress(status) ? ` (${status.progress}%)` : ''}`,
    `  main task  ${status.mainTaskId ?? '-'}${status.composeTaskId ? `   compose task ${status.composeTaskId}` : ''}`,
    `  edits      ${status.editsUsed} of ${status.maxEdits} used`,
    `  credits    ${describeCredits(status)}`,
  ];
  if (status.runNumber > 1) lines.push(`  run        ${status.runNumber} (continued as new)`);
  if (status.waitingFor) lines.push(`  waiting    ${status.waitingFor}`);
  if (status.lastError) lines.push(`  last error ${status.lastError}`);
  lines.push('', ...renderNextSteps(status, now));
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

function runningEdits(status: AdStatus): number {
  return status.edits.filter((e) => e.state === 'pending' || e.state === 'running').length;
}

/**
 * What the operator can do next, as lines to print: during review the
 * commands that steer the ad (with the deadline and the edits left); while the
 * ad waits on an outage, that it retries by itself; once it failed or was
 * cancelled, how to run it again. Empty when there is nothing to say (done).
 */
export function renderNextSteps(status: AdStatus, now = Date.now()): string[] {
  const id = status.adId;
  if (status.stage === 'review') {
    const closes = status.reviewDeadline === undefined ? 'the review is open' : `the review closes in ${formatDurationMs(status.reviewDeadline - now)} (at ${formatClockTime(status.reviewDeadline)})`;
    const editsLeft = Math.max(0, status.maxEdits - status.editsUsed);
    const boards = status.storyboards.length > 0 ? `N from 0 to ${status.storyboards.length - 1}` : 'N from 0';
    const running = runningEdits(status);
    const commands: string[][] = [
      ...(editsLeft > 0
        ? [[`${ADMIN_BIN} edit ${id} --storyboard N --prompt TEXT`, `regenerate storyboard ${boards} (or --narration, --bgm); ${editsLeft} of ${status.maxEdits} edits left`]]
        : []),
      [`${ADMIN_BIN} select ${id} --storyboard N --take ID`, `choose another finished take (or --narration, --bgm); ${ADMIN_BIN} show ${id} lists them`],
      [`${ADMIN_BIN} approve ${id}`, `compose the selected takes and save the video${running > 0 ? ' (after the running edit finishes)' : ''}`],
      [`${ADMIN_BIN} cancel ${id}`, 'stop the ad; nothing more is spent'],
    ];
    return [
      `Waiting for you: ${closes}.${editsLeft === 0 ? ` No edits left (${status.editsUsed} of ${status.maxEdits} used).` : ''}${running > 0 ? ` ${running} edit(s) still running.` : ''} Next:`,
      ...formatTable(['', ''], commands).split('\n').slice(1).map((line) => `  ${line}`),
    ];
  }
  if (status.stage === 'failed' || status.stage === 'cancelled') {
    return [`Next: ${ADMIN_BIN} retry ${id} starts it again under its id (resuming from its Vidu task when that had succeeded, else creating a new one).`];
  }
  if (isFinishedStage(status.stage)) return [];
  if (status.waitingFor) {
    return [`Waiting: ${status.waitingFor}. Nothing to do: the ad retries by itself (to stop it: ${ADMIN_BIN} cancel ${id}).`];
  }
  const what = status.stage === 'editing' ? 'the edits from its request to finish' : status.stage === 'composing' ? 'Vidu to compose the final video' : status.stage === 'saving' ? 'the final video to be saved' : 'Vidu';
  return [`Nothing to do: the ad waits for ${what} (${ADMIN_BIN} watch ${id} follows it; ${ADMIN_BIN} cancel ${id} stops it).`];
}

const BAR_WIDTH = 20;

/** Stages between Vidu tasks, where a progress bar would mean nothing. */
const BETWEEN_TASKS: Partial<Record<string, string>> = {
  reading: 'reading the storyboards and takes',
  editing: 'waiting for the edits of its request',
  saving: 'saving the final video and cover',
};

/**
 * One line: stage, then a progress bar while Vidu works, or, when the ad waits
 * for something other than Vidu's progress, what it waits for (the operator's
 * review, with its deadline as a clock time since the line is redrawn only on
 * change, or an outage); edits in flight; credits.
 */
export function renderProgressLine(status: AdStatus): string {
  const parts = [`ad ${status.adId}`, status.stage.padEnd(10)];
  if (status.stage === 'review') {
    const until = status.reviewDeadline === undefined ? '' : ` until ${formatClockTime(status.reviewDeadline)}`;
    parts.push(`waiting for you${until}: edit, select, approve or cancel (${ADMIN_BIN} show ${status.adId})`);
  } else if (status.waitingFor) {
    parts.push(`waiting: ${truncate(status.waitingFor, 90)}`);
  } else if (showsViduProgress(status)) {
    const filled = Math.round((Math.min(100, Math.max(0, status.progress)) / 100) * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(status.progress).padStart(3)}%`);
  } else if (BETWEEN_TASKS[status.stage]) {
    parts.push(BETWEEN_TASKS[status.stage]!);
  }
  const running = runningEdits(status);
  if (running > 0) parts.push(`${running} edit(s) running`);
  parts.push(`credits ${status.credits ? shortCredits(status.credits) : status.creditsSpent}`);
  return parts.join('  ');
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
