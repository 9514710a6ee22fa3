// The "current details" text the Temporal Web UI shows on the workflow page
// (Markdown). The UI shows it in a frame that cuts off the last lines, so what
// an operator needs first comes first, on three short lines: the stage, what
// the ad does or waits for next, and the Vidu task with the credits spent.
// Everything else (the ad, the selection, edits, takes, errors) follows.
import { creditsSpent, creditsStatus, editsInFlight, type AdState } from './state';
import { selectionOf } from './selection';
import { shortTaskId, urlHost } from '../shared/shortText';

/** What the details need beyond the state. */
export interface DetailsContext {
  /** The static summary's text ("Ad spring-42: a bottle on a beach…, 15 s, 16:9"). */
  adLine: string;
  runNumber: number;
}

const PROGRESS_STAGES = new Set(['generating', 'editing', 'composing']);

/** Long waiting messages (an outage's cause) are cut: the status query has them whole. */
const NEXT_ACTION_CHARS = 140;

function clip(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** "2026-12-02 05:45 UTC": deterministic (from the state), short, unambiguous. */
function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What the ad does or waits for now, in a phrase an operator can act on. */
export function nextAction(state: AdState): string {
  if (state.waitingFor) return clip(state.waitingFor, NEXT_ACTION_CHARS);
  const running = editsInFlight(state);
  const main = state.mainTaskId ? shortTaskId(state.mainTaskId) : '';
  switch (state.stage) {
    case 'creating':
      return 'creating the ad at Vidu';
    case 'generating':
      return `waiting for Vidu: main task ${main} ${state.progress}%`;
    case 'reading':
      return 'reading the storyboards';
    case 'editing':
      return `waiting for Vidu: ${running.length} edit(s) ${state.progress}%`;
    case 'review':
      if (state.approved) return `approved: waiting for ${running.length} edit(s) to finish`;
      return `waiting for review: approve or edit${state.reviewDeadline !== undefined ? `, until ${utcMinute(state.reviewDeadline)}` : ''}${running.length > 0 ? ` (${running.length} edit(s) running)` : ''}`;
    case 'composing':
      return state.composeTaskId ? `waiting for Vidu: compose task ${shortTaskId(state.composeTaskId)} ${state.progress}%` : 'starting the compose';
    case 'saving':
      return 'saving the final video and its cover';
    case 'done':
    case 'failed':
    case 'cancelled':
      if (state.notification?.state === 'pending' && state.notification.webhookId) return `sending the completion webhook to ${urlHost(state.notification.url)}`;
      return state.stage === 'done' ? 'nothing: the video is saved' : `nothing: the ad ${state.stage === 'failed' ? 'failed' : 'was cancelled'}`;
  }
}

/** The first lines: stage, next action, Vidu task and credits. */
function headline(state: AdState): string[] {
  // Progress means something only while Vidu generates.
  const progress = PROGRESS_STAGES.has(state.stage) ? ` (${state.progress}%)` : '';
  const task = state.mainTaskId ? `Vidu task \`${state.mainTaskId}\` · ` : '';
  const limit = state.budget?.limit !== undefined ? ` of ${state.budget.limit}` : '';
  const lines = [`**${state.stage}**${progress}`, `**Next:** ${nextAction(state)}`, `${task}**Credits:** ${creditsSpent(state)}${limit}`];
  // A failure's reason belongs up top: it is what the operator opened the page for.
  if (state.stage === 'failed' && state.lastError) lines.push(`**Error:** ${clip(state.lastError, NEXT_ACTION_CHARS)}`);
  return lines;
}

/** "Budget: 600 spent, 1 reserved, 601 estimated, maxCredits 700 (99 left)". */
function budgetLine(state: AdState): string {
  const c = creditsStatus(state);
  const limit = c.limit !== undefined ? `, maxCredits ${c.limit} (${Math.max(0, c.limit - c.spent - c.reserved)} left)` : ', no maxCredits';
  return `Budget: ${c.spent} spent, ${c.reserved} reserved, ${c.estimated} estimated${limit}${c.overrun > 0 ? `, ${c.overrun} over the estimates` : ''}`;
}

/** Counts and outcomes before the long lists of take ids, which the frame cuts first. */
function rest(state: AdState, context: DetailsContext): string[] {
  const lines: string[] = [];
  // Continue-as-new drops the static summary: later runs say here what the ad is.
  if (context.runNumber > 1) lines.push(`${context.adLine} · run ${context.runNumber}`);
  if (state.lastError && state.stage !== 'failed') lines.push(`Last error: ${state.lastError}`);
  if (state.budget) lines.push(budgetLine(state));
  if (state.edits.length > 0) {
    const done = state.edits.filter((e) => e.state === 'succeeded').length;
    const failed = state.edits.filter((e) => e.state === 'failed').length;
    lines.push(`Edits: ${editsInFlight(state).length} running, ${done} done, ${failed} failed (${state.editsUsed} of ${state.maxEdits} used)`);
  }
  const takes = [...state.storyboards, state.narration, state.bgm].flatMap((slot) => slot?.takes ?? []).filter((t) => t.state === 'success');
  if (takes.length > 0) lines.push(`Takes kept: ${takes.filter((t) => t.media !== undefined).length} of ${takes.length}`);
  if (state.notification) lines.push(`Completion webhook: ${state.notification.state}${state.notification.error ? ` (${state.notification.error})` : ''}`);
  if (state.result) lines.push(`Video: \`${state.result.video.path}\``);
  if (state.composeTaskId) lines.push(`Compose task \`${state.composeTaskId}\``);
  if (state.storyboards.length > 0) {
    const selection = selectionOf(state);
    const boards = state.storyboards.map((s, i) => `#${i}: \`${s.selectedTakeId}\` of ${s.takes.length}`).join(', ');
    lines.push(`Storyboards: ${boards}`, `Narration \`${selection.narrationTaskId}\`, music \`${selection.bgmTaskId}\``);
  }
  return lines;
}

export function renderDetails(state: AdState, context: DetailsContext): string {
  // Hard line breaks (two spaces) keep the head in one compact paragraph; a rule sets the rest apart.
  return `${headline(state).join('  \n')}\n\n---\n\n${rest(state, context).join('  \n')}`;
}
