// Prints the code map of docs/workflow.md: every file under src/, folder by
// folder, with the first sentence of its header comment (or an HTML page's
// title). Run it after adding, moving or removing a file and paste its output
// over the map; test/docs/codeMap.test.ts fails while a file is missing there.
//   npx tsx scripts/codeMap.ts > /tmp/map.md
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const MAX_CHARS = 220;

/** The files of src/ that git tracks or would (new files not yet added included), sorted. */
export function sourceFiles(root = ROOT): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

/** The leading comment of a script, as one line of text. */
function headerComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('//')) lines.push(trimmed.slice(2).trim());
    else if (trimmed.startsWith('/**') || trimmed.startsWith('*')) lines.push(trimmed.replace(/^\/?\*+\/?/, '').replace(/\*\/$/, '').trim());
    else if (lines.length > 0 || trimmed !== '') break;
  }
  return lines.filter(Boolean).join(' ');
}

/** The first sentence, cut at a word when it runs long. */
function firstSentence(text: string): string {
  // A full stop ends it, but not the one of "e.g." or "i.e.".
  const end = text.search(/(?<!\be\.g|\bi\.e)\.(\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end + 1);
  if (sentence.length <= MAX_CHARS) return sentence;
  return `${sentence.slice(0, sentence.lastIndexOf(' ', MAX_CHARS))} …`;
}

export function describeFile(file: string, root = ROOT): string {
  const text = readFileSync(path.join(root, file), 'utf8');
  if (file.endsWith('.html')) return /<title>(.*?)<\/title>/.exec(text)?.[1] ?? `the \`<main>\` of the console's ${path.basename(file, '.html')} page (pages.ts puts the head and top bar around it)`;
  if (file.endsWith('.css')) return 'the console\'s styles';
  if (file.endsWith('.xml')) return firstSentence((/<!--([\s\S]*?)-->/.exec(text)?.[1] ?? '').replace(/\s+/g, ' ').trim()) || 'an XML file';
  return firstSentence(headerComment(text)) || '(no header comment)';
}

export function codeMap(root = ROOT): string {
  const byFolder = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const folder = path.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  const parts: string[] = [];
  for (const [folder, files] of byFolder) {
    parts.push(`**${folder}/**`, '');
    for (const file of files) parts.push(`- \`${path.basename(file)}\`: ${describeFile(file, root).replace(/\s+/g, ' ')}`);
    parts.push('');
  }
  return parts.join('\n');
}

if (require.main === module) process.stdout.write(codeMap());
