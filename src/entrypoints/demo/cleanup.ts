// Stops what the demo started, newest first, each step once, and keeps going
// when one step fails so that no server or child process is left behind.
export class CleanupStack {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];

  push(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  async runAll(log: (line: string) => void): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (err) {
        log(`could not stop the ${step.name}: ${(err as Error).message}`);
      }
    }
  }
}
