// Short, single-line texts the Temporal Web UI shows: the workflow's static
// summary (set by the starter), and the summary of each activity call and
// timer (user metadata on the command), so the dozens of `getTaskState` rows
// of one ad say which task they poll. They are built from the ad's input and
// state only (deterministic), and never carry secrets or media URLs: a
// webhook shows its host, a prompt its first words, a Vidu task the tail of
// its id (Vidu's ids are snowflakes: the head is a timestamp that tasks
// created minutes apart share, the tail tells them apart).
import type { AdFilmInput } from './messages';

/** Longest prompt excerpt; the UI truncates summaries anyway, and a prompt is the caller's text. */
const PROMPT_WORDS = 6;
const PROMPT_CHARS = 40;
const TASK_ID_TAIL = 6;

/** The first few words of a text, on one line, with "…" when cut. */
export function firstWords(text: string | undefined, words = PROMPT_WORDS, maxChars = PROMPT_CHARS): string {
  const all = (text ?? '').split(/\s+/).filter((w) => w.length > 0);
  let excerpt = all.slice(0, words).join(' ');
  if (excerpt.length > maxChars) excerpt = excerpt.slice(0, maxChars).trimEnd();
  return excerpt.length < all.join(' ').length ? `${excerpt}…` : excerpt;
}

/** "…203456": enough of a Vidu task id to tell an ad's tasks apart; details show the whole id. */
export function shortTaskId(taskId: string): string {
  return taskId.length > TASK_ID_TAIL + 2 ? `…${taskId.slice(-TASK_ID_TAIL)}` : taskId;
}

/** 20_000 -> "20s", 90_000 -> "1m30s", 3_600_000 -> "1h". */
export function shortDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m ? `${m}m` : ''}`;
  return `${m}m${s ? `${s}s` : ''}`;
}

/** The host of a webhook URL: its path and query may carry a receiver's token. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

/** The workflow's static summary: "Ad spring-42: a bottle on a beach at…, 15 s, 16:9". */
export function adStaticSummary(input: Pick<AdFilmInput, 'adId' | 'prompt' | 'duration' | 'aspectRatio'>): string {
  const facts = [input.prompt?.trim() ? firstWords(input.prompt) : undefined, input.duration !== undefined ? `${input.duration} s` : undefined, input.aspectRatio];
  const described = facts.filter((f): f is string => f !== undefined);
  return `Ad ${input.adId}${described.length > 0 ? `: ${described.join(', ')}` : ''}`;
}

/** The workflow's static details (Markdown): what the ad was asked for, beyond the summary. */
export function adStaticDetails(input: Pick<AdFilmInput, 'images' | 'language' | 'review' | 'edits' | 'notifyUrl' | 'resumeFromTaskId'>): string {
  const lines = [`${input.images.length} image(s)${input.language ? `, narration in ${input.language}` : ''}`];
  if (input.review?.enabled) lines.push(`Review window ${shortDuration(input.review.windowMs)}, then ${input.review.onTimeout}`);
  if (input.edits?.length) lines.push(`${input.edits.length} edit(s) in the request`);
  if (input.resumeFromTaskId) lines.push(`Resumed from Vidu task \`${input.resumeFromTaskId}\``);
  if (input.notifyUrl) lines.push(`Completion webhook to ${urlHost(input.notifyUrl)}`);
  return lines.join('\n\n');
}
