// Short, single-line texts for the Temporal Web UI's summaries and details,
// from any workflow: they never carry secrets or media URLs. A webhook shows
// its host, a prompt its first words, a Vidu task the tail of its id (Vidu's
// ids are snowflakes: the head is a timestamp that tasks created minutes apart
// share, the tail tells them apart).

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
