// The "current details" text the Temporal Web UI shows on the workflow page:
// a few lines of Markdown saying where the ad stands.
import { creditsSpent, editsInFlight, type AdState } from './adState';
import { selectionOf } from './selection';

export function renderDetails(state: AdState): string {
  const lines = [`**Ad** \`${state.adId}\` — **${state.stage}**${state.stage === 'done' ? '' : ` (${state.progress}%)`}`];
  if (state.mainTaskId) lines.push(`Vidu task \`${state.mainTaskId}\`${state.composeTaskId ? `, compose \`${state.composeTaskId}\`` : ''}`);
  if (state.storyboards.length > 0) {
    const selection = selectionOf(state);
    const boards = state.storyboards.map((s, i) => `#${i}: \`${s.selectedTakeId}\` of ${s.takes.length}`).join(', ');
    lines.push(`Storyboards: ${boards}`, `Narration \`${selection.narrationTaskId}\`, music \`${selection.bgmTaskId}\``);
  }
  if (state.edits.length > 0) {
    const done = state.edits.filter((e) => e.state === 'succeeded').length;
    const failed = state.edits.filter((e) => e.state === 'failed').length;
    lines.push(`Edits: ${editsInFlight(state).length} running, ${done} done, ${failed} failed (${state.editsUsed}/${state.maxEdits} used)`);
  }
  if (state.stage === 'review' && state.reviewDeadline !== undefined) {
    lines.push(`Review open until ${new Date(state.reviewDeadline).toISOString()}${state.approved ? ' — approved' : ''}`);
  }
  const takes = [...state.storyboards, state.narration, state.bgm].flatMap((slot) => slot?.takes ?? []).filter((t) => t.state === 'success');
  if (takes.length > 0) lines.push(`Takes kept: ${takes.filter((t) => t.media !== undefined).length} of ${takes.length}`);
  lines.push(`Credits spent: ${creditsSpent(state)}`);
  if (state.result) lines.push(`Video: \`${state.result.video.path}\``);
  if (state.notification) lines.push(`Completion webhook: ${state.notification.state}${state.notification.error ? ` (${state.notification.error})` : ''}`);
  if (state.lastError) lines.push(`Last error: ${state.lastError}`);
  return lines.join('\n\n');
}
