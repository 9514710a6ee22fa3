// Finds an ffmpeg that runs: the one @ffmpeg-installer/ffmpeg ships first (a
// known build with libx264, libmp3lame and drawtext), then `ffmpeg` on PATH.
// Looked up once per process, on the first media request, so a simulator that
// never serves media never spawns anything.
import { execFile } from 'node:child_process';

let lookup: Promise<string | undefined> | undefined;

function runs(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, ['-hide_banner', '-version'], { timeout: 10_000 }, (error) => resolve(!error));
  });
}

async function bundledPath(): Promise<string | undefined> {
  try {
    // The package throws (a string) when its platform binary is missing.
    const installer = await import('@ffmpeg-installer/ffmpeg');
    return installer.path;
  } catch {
    return undefined;
  }
}

async function find(): Promise<string | undefined> {
  const bundled = await bundledPath();
  if (bundled && (await runs(bundled))) return bundled;
  if (await runs('ffmpeg')) return 'ffmpeg';
  return undefined;
}

/** The ffmpeg command to run, or undefined when neither the bundled one nor one on PATH works. */
export function findEncoder(): Promise<string | undefined> {
  lookup ??= find();
  return lookup;
}
