// Where the limit is: ads per second against a baseline workflow of the same
// shape, callback-to-workflow latency, history events and Vidu calls per ad,
// polling with every callback lost, a burst against Vidu's 5-task account
// limit, worker memory with ads parked and while creating ads with large
// images. Each phase has its own simulator and a fresh worker process on the
// run's dev server; `--quick` runs small sizes (see limits/sizes.ts).
import type { BenchContext, Benchmark } from './support/benchmark';
import { accountLimitPhase } from './limits/accountLimit';
import { campaignPhase } from './limits/campaign';
import { imageCreatePhase } from './limits/imageCreate';
import { lostCallbacksPhase } from './limits/lostCallbacks';
import { parkedPhase } from './limits/parked';
import { throughputPhase } from './limits/throughput';

export const LIMIT_PHASES: Record<string, (ctx: BenchContext) => Promise<void>> = {
  throughput: (ctx) => throughputPhase(ctx, ctx.options.limits),
  account: (ctx) => accountLimitPhase(ctx, ctx.options.limits),
  campaign: (ctx) => campaignPhase(ctx, ctx.options.limits),
  // Mostly waiting for timers: it runs alongside the next phase (see below).
  lost: (ctx) => lostCallbacksPhase(ctx, ctx.options.limits),
  parked: (ctx) => parkedPhase(ctx, ctx.options.limits),
  images: (ctx) => imageCreatePhase(ctx, ctx.options.limits),
};

/** Phases that run alongside the phase after them: they wait on timers, not on the CPU. */
const ALONGSIDE_NEXT = new Set(['lost']);

export const limits: Benchmark = {
  name: 'limits',
  alias: 'limits',
  summary: 'ads/s vs a baseline workflow, callback-to-workflow latency, per-ad events and Vidu calls, account limit, lost callbacks, worker memory',
  async run(ctx) {
    const timed = async (name: string) => {
      const phase = LIMIT_PHASES[name];
      if (!phase) throw new Error(`unknown limits phase "${name}": use ${Object.keys(LIMIT_PHASES).join(', ')}`);
      const t0 = Date.now();
      await phase(ctx);
      ctx.report.line(`(limits phase ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    };
    const alongside: Array<Promise<void>> = [];
    const failures: string[] = [];
    const noteFailure = (name: string) => (err: unknown) => {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      console.error(`limits phase ${name} failed:`, err);
    };
    for (const name of ctx.options.limitPhases) {
      if (ctx.signal.aborted) break;
      if (ALONGSIDE_NEXT.has(name)) alongside.push(timed(name).catch(noteFailure(name)));
      else await timed(name).catch(noteFailure(name));
    }
    await Promise.all(alongside);
    if (failures.length) throw new Error(`limits: ${failures.length} phase(s) failed: ${failures.join('; ')}`);
  },
};
