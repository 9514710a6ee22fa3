// Runs ffmpeg, at most MAX_RUNNING processes at a time in this whole process
// (however many simulators it holds): renders are short, and the machines
// tests run on have few cores to share.
import { spawn } from 'node:child_process';

const MAX_RUNNING = 2;
const TIMEOUT_MS = 60_000;
let running = 0;
let peak = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  peak = Math.max(peak, running);
  // A freed slot passes straight to the next waiter, so `running` never dips and overshoots.
  return () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
}

function runOnce(encoder: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(encoder, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4_000) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${signal ? `killed by ${signal}` : `exited ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** Runs `encoder args` in `cwd` once a slot is free; rejects with ffmpeg's last error lines. */
export async function runFfmpeg(encoder: string, args: string[], cwd: string): Promise<void> {
  const release = await slot();
  try {
    await runOnce(encoder, args, cwd);
  } finally {
    release();
  }
}

/** The most ffmpeg slots ever taken at once in this process (for tests of the limit). */
export function peakFfmpegCount(): number {
  return peak;
}
