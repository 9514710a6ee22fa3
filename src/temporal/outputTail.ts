// Keeps the last lines a child process wrote. The dev server's banner and
// warnings must not land in the middle of the demo's or the tests' output,
// but when a start fails its last words are exactly what the reader needs:
// so they are kept here (and, optionally, in a log file) instead of inherited.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** A runaway line (a stack dump without newlines) must not fill memory. */
const MAX_LINE_CHARS = 2_000;

export class OutputTail {
  private readonly lines: string[] = [];
  private readonly log: WriteStream | undefined;

  constructor(
    private readonly keep = 50,
    logFile?: string,
  ) {
    if (logFile) {
      mkdirSync(path.dirname(logFile), { recursive: true });
      this.log = createWriteStream(logFile, { flags: 'a' });
      // A full disk or a vanished folder must not take the server start down with it.
      this.log.on('error', () => undefined);
    }
  }

  /**
   * Reads `stream` line by line into the tail (stdout and stderr each get their own reader, so halves
   * of lines never mix), each line after `prefix` (which process said it, when several share a tail).
   */
  follow(stream: Readable, prefix = ''): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.add(prefix + line));
  }

  add(line: string): void {
    const kept = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}...` : line;
    this.lines.push(kept);
    if (this.lines.length > this.keep) this.lines.shift();
    this.log?.write(`${line}\n`);
  }

  /** A line of our own for the log file (e.g. the command), kept out of the tail shown in errors. */
  logOnly(line: string): void {
    this.log?.write(`${line}\n`);
  }

  /** The last `count` lines, oldest first. */
  last(count = this.keep): string[] {
    return this.lines.slice(-count);
  }

  close(): Promise<void> {
    const log = this.log;
    if (!log || log.closed) return Promise.resolve();
    return new Promise((resolve) => log.end(resolve));
  }
}
