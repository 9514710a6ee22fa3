// How `watch` and `start-ad --wait` follow an ad on screen: one progress line,
// redrawn in place on a terminal (a line per change in a pipe or a log), and,
// when the ad reaches review, once, what the operator can do next, since the
// ad now waits for them rather than for Vidu.
import type { AdStatus } from '../../workflows/ad/contract';
import { renderNextSteps, renderProgressLine } from './render';

export interface DisplayIo {
  out(line: string): void;
  write(text: string): void;
  isTTY: boolean;
}

export class ProgressDisplay {
  private lastLine = '';
  private drawn = false;
  /** The review (by its deadline) whose next steps were printed already. */
  private reviewShown: number | 'none' | undefined;

  constructor(
    private readonly io: DisplayIo,
    private readonly now: () => number = Date.now,
  ) {}

  show(status: AdStatus): void {
    if (status.stage === 'review' && this.reviewShown !== (status.reviewDeadline ?? 'none')) {
      this.reviewShown = status.reviewDeadline ?? 'none';
      this.end();
      for (const line of renderNextSteps(status, this.now())) this.io.out(line);
      this.io.out('(Watching goes on until the ad finishes; Ctrl-C stops the watching, not the ad.)');
      this.lastLine = '';
    }
    const line = renderProgressLine(status);
    if (line === this.lastLine) return;
    this.lastLine = line;
    if (this.io.isTTY) {
      this.io.write(`\r\x1b[K${line}`);
      this.drawn = true;
    } else {
      this.io.out(line);
    }
  }

  /** Ends a line redrawn in place, so that what follows starts on its own line. */
  end(): void {
    if (this.drawn) this.io.write('\n');
    this.drawn = false;
  }
}
