// Vidu states its text limits in characters; like our client, we count code
// points, so an emoji is one character and not two UTF-16 units.
export function charCount(text: string): number {
  return [...text].length;
}
