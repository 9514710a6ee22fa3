// The baseline the ad throughput is compared with: a trivial workflow of the
// same shape as an ad (the benchmark counts an ad's activities and signals
// from a real ad's history and passes them in). Its first activity asks the
// benchmark to send the signals, as creating a Vidu task makes Vidu send
// callbacks; once they have all arrived it runs the remaining activities one
// after another. Bundled on its own (bench/support/baselineBundle.ts).
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './baselineActivities';

export interface BaselineInput {
  activities: number;
  signals: number;
}

export const baselineSignal = defineSignal<[{ index: number }]>('baselineSignal');

const { baselineKickoff, baselineStep } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

export async function baselineWorkflow(input: BaselineInput): Promise<number> {
  let received = 0;
  setHandler(baselineSignal, () => {
    received += 1;
  });
  await baselineKickoff();
  await condition(() => received >= input.signals);
  for (let step = 1; step < input.activities; step++) await baselineStep(step);
  return received;
}
