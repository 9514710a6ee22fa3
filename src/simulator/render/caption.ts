// Captions are drawn from a text file (no escaping of the prompt into the
// filter graph) and drawtext does not wrap, so lines are broken here: at
// spaces, and inside a word longer than a line (Chinese text has no spaces),
// with an ellipsis when the text needs more than `maxLines`.

/** `text` in lines of at most `maxChars` code points, at most `maxLines` of them. */
export function wrapCaption(text: string, maxChars: number, maxLines: number): string[] {
  const pieces: string[] = [];
  for (const word of text.split(/\s+/u).filter(Boolean)) {
    const chars = [...word];
    for (let at = 0; at < chars.length; at += maxChars) pieces.push(chars.slice(at, at + maxChars).join(''));
  }
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines[lines.length - 1];
    if (last !== undefined && [...last].length + 1 + [...piece].length <= maxChars) lines[lines.length - 1] = `${last} ${piece}`;
    else lines.push(piece);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${[...kept[maxLines - 1]!].slice(0, maxChars - 1).join('')}…`;
  return kept;
}
