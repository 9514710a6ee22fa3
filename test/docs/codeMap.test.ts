// docs/workflow.md's code map lists every file under src/, in its folder, and
// nothing that is gone: a file added, moved or removed without the map fails
// here (scripts/codeMap.ts prints the map afresh).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sourceFiles } from '../../scripts/codeMap';

const ROOT = path.resolve(__dirname, '../..');

/** The files the map lists, as folder/name, read from its "**folder/**" headings and "- `name`:" lines. */
function listedFiles(): string[] {
  const doc = readFileSync(path.join(ROOT, 'docs', 'workflow.md'), 'utf8');
  const start = doc.indexOf('## Code map');
  assert.ok(start >= 0, 'docs/workflow.md has a "## Code map" section');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const listed: string[] = [];
  let folder: string | undefined;
  for (const line of section.split('\n')) {
    const heading = /^\*\*(src(?:\/[^*]*)?)\/\*\*$/.exec(line);
    if (heading) folder = heading[1];
    const entry = /^- `([^`]+)`:/.exec(line);
    if (entry && folder) listed.push(`${folder}/${entry[1]}`);
  }
  return listed.sort();
}

test('the code map in docs/workflow.md lists every file under src/ and no file that is gone', () => {
  const listed = listedFiles();
  const files = sourceFiles(ROOT);
  assert.deepEqual(files.filter((f) => !listed.includes(f)), [], 'files missing from the map (run npx tsx scripts/codeMap.ts)');
  assert.deepEqual(listed.filter((f) => !files.includes(f)), [], 'files the map lists that do not exist');
});
