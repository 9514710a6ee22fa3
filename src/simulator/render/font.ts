// The font file captions are drawn with: whatever fontconfig matches (asking
// for one that covers Chinese when the caption is Chinese), else a DejaVu Sans
// from the usual font folder. Without one, videos go uncaptioned.
import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const FONT_FOLDER = '/usr/share/fonts';
const found = new Map<string, Promise<string | undefined>>();

function fontconfigMatch(pattern: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('fc-match', ['-f', '%{file}', pattern], { timeout: 5_000 }, (error, stdout) => {
      const file = String(stdout).trim();
      resolve(error || !/\.(ttf|otf|ttc)$/i.test(file) ? undefined : file);
    });
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function dejaVuSans(): Promise<string | undefined> {
  try {
    const entries = await readdir(FONT_FOLDER, { recursive: true });
    const match = entries.find((entry) => entry.endsWith('DejaVuSans.ttf'));
    return match ? join(FONT_FOLDER, match) : undefined;
  } catch {
    return undefined;
  }
}

async function lookUp(pattern: string): Promise<string | undefined> {
  const matched = await fontconfigMatch(pattern);
  if (matched && (await exists(matched))) return matched;
  return dejaVuSans();
}

/** CJK ideographs, kana and hangul: captions in these need a font that has them. */
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/** A font file for `text`, or undefined when none is found (looked up once per kind of text). */
export function captionFont(text: string): Promise<string | undefined> {
  const pattern = CJK.test(text) ? 'sans:lang=zh' : 'sans';
  let lookup = found.get(pattern);
  if (!lookup) {
    lookup = lookUp(pattern);
    found.set(pattern, lookup);
  }
  return lookup;
}
