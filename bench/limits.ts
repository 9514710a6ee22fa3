// Where the limit is: ads per second against a baseline workflow of the same
// shape, callback-to-workflow latency, history events and Vidu calls per ad,
// polling with every callback lost, a burst against Vidu's 5-task account
// limit, worker memory with ads parked and while creating ads with large
// images. Each phase has its own simulator and a fresh worker process on the
// run's dev server; `--quick` runs small sizes (see limits/sizes.ts).
import type { Benchmark, BenchContext } from './support/benchmark';
import { throughputPhase } from './limits/throughput';

export const LIMIT_PHASES: Record<string, (ctx: BenchContext) => Promise<void>> = {
  throughput: (ctx) => throughputPhase(ctx, ctx.options.limits),
};

export const limits: Benchmark = {
  name: 'limits',
  alias: 'limits',
  summary: 'ads/s vs a baseline workflow, callback-to-workflow latency, per-ad events and Vidu calls, account limit, lost callbacks, worker memory',
  async run(ctx) {
    for (const name of ctx.options.limitPhases) {
      if (ctx.signal.aborted) break;
      const phase = LIMIT_PHASES[name];
      if (!phase) throw new Error(`unknown limits phase "${name}": use ${Object.keys(LIMIT_PHASES).join(', ')}`);
      const t0 = Date.now();
      await phase(ctx);
      ctx.report.line(`(limits phase ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  },
};
