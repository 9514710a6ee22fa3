// A campaign under a budget: one brief's variants (products x aspect ratios x
// languages) as child ads, at most the account's 5 at Vidu at once (the
// simulator enforces the same limit), with budgetCredits exactly what the ads
// are allotted. Checks that every ad completes, that the campaign spends no
// more than its budget, and that no ad made (and paid for) a second task;
// reports ads per minute, the campaign's runs (continue-as-new) and the
// events of its last run.
import { campaignWorkflow } from '../../src/workflows/campaign/workflow';
import { campaignStatusQuery, workflowIdForCampaign } from '../../src/workflows/campaign/contract';
import { CALLBACK_QUERY } from '../../src/callbacks/viduCallback';
import type { BenchContext } from '../support/benchmark';
import { columns } from '../support/columns';
import { round } from '../support/stats';
import { openPhase } from './phaseRig';
import type { LimitsSizes } from './sizes';

const ACCOUNT_LIMIT = 5;
const SIM_TIMING = { queueMs: 30, processingMs: 300, progressSteps: 3 };
const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;
const LANGUAGES = ['en', 'zh'] as const;
/** A 10 s ad is allotted its create (400) and one compose (1). */
const ALLOTMENT = 401;

export async function campaignPhase(ctx: BenchContext, sizes: LimitsSizes): Promise<void> {
  const perProduct = ASPECT_RATIOS.length * LANGUAGES.length;
  const products = Math.max(1, Math.round(sizes.campaignVariants / perProduct));
  const variants = products * perProduct;
  const budget = variants * ALLOTMENT;
  const rig = await openPhase(ctx, { name: 'campaign', sim: { timing: SIM_TIMING, concurrencyLimit: ACCOUNT_LIMIT } });
  try {
    const campaignId = `bench-${process.pid}-${Date.now().toString(36)}`;
    const handle = await rig.client.workflow.start(campaignWorkflow, {
      taskQueue: rig.taskQueue,
      workflowId: workflowIdForCampaign(campaignId),
      args: [
        {
          campaignId,
          products: Array.from({ length: products }, (_, i) => ({ productId: `p${i}`, images: ['https://example.com/products/bottle.png'] })),
          prompt: 'a bottle on a beach at sunset',
          variants: { aspectRatios: [...ASPECT_RATIOS], languages: [...LANGUAGES], durations: [10] },
          budgetCredits: budget,
        },
      ],
    });
    const t0 = Date.now();
    const expectedMs = (variants / ACCOUNT_LIMIT) * (SIM_TIMING.queueMs + SIM_TIMING.processingMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(120_000, expectedMs * 6))));
    const outcome = await Promise.race([handle.result(), timedOut]);
    clearTimeout(timer);
    const wallMs = Date.now() - t0;
    if (outcome === 'timeout') await handle.cancel().catch(() => undefined);
    const status = await handle.query(campaignStatusQuery);
    const history = await handle.fetchHistory();
    const counters = rig.sim.counters();
    const tasksPerAd = new Map<string, number>();
    for (const task of rig.sim.ads()) {
      const id = task.callbackUrl ? new URL(task.callbackUrl).searchParams.get(CALLBACK_QUERY.workflowId) : task.taskId;
      tasksPerAd.set(id ?? task.taskId, (tasksPerAd.get(id ?? task.taskId) ?? 0) + 1);
    }
    const twice = [...tasksPerAd.values()].filter((n) => n > 1).length;
    const done = status.byStage.done ?? 0;
    const problems = [
      ...(outcome === 'timeout' ? ['the campaign did not finish in time'] : []),
      ...(done < variants ? [`${variants - done} ad(s) did not complete: ${JSON.stringify(status.byStage)}`] : []),
      ...(counters.creditsCharged > budget ? [`Vidu charged ${counters.creditsCharged}, over the budget of ${budget}`] : []),
      ...(twice ? [`${twice} ad(s) made more than one Vidu task`] : []),
    ];
    ctx.report.publish({
      bench: 'limits',
      title: `a ${variants}-variant campaign under budgetCredits=${budget} (${products} products x 3 aspect ratios x 2 languages, ${ACCOUNT_LIMIT}-task account limit)`,
      columns: columns('case', 'completed', 'tasksCreated', 'chargedTwice', 'charged', 'budget', 'wallSeconds', 'adsPerMinute', 'runs', 'lastRunEvents'),
      rows: [
        {
          case: 'campaign',
          variants,
          completed: done,
          tasksCreated: counters.tasksCreated.ad,
          chargedTwice: twice,
          charged: counters.creditsCharged,
          budget,
          wallSeconds: wallMs / 1000,
          adsPerMinute: (done * 60_000) / wallMs,
          runs: status.run,
          lastRunEvents: history.events?.length ?? 0,
        },
      ],
      notes: [
        `The floor set by the account limit: ${variants} / ${ACCOUNT_LIMIT} x ${SIM_TIMING.queueMs + SIM_TIMING.processingMs} ms = ${round(expectedMs / 1000)} s.`,
        `Each ad is allotted ${ALLOTMENT} credits (its create and one compose) from the budget before it starts; it spends 400 (no edits, no compose), and the rest returns to the budget when it ends.`,
        ...problems.map((p) => `FAILURES ${p}`),
      ],
    });
    ctx.summary.campaign = { variants, completed: done, chargedTwice: twice, creditsCharged: counters.creditsCharged, budgetCredits: budget, adsPerMinute: round((done * 60_000) / wallMs), runs: status.run };
    if (problems.length) throw new Error(`campaign: ${problems.join('; ')}`);
  } finally {
    await rig.close();
  }
}
