// The small workflow the local cluster's own test runs: it marks itself with
// a search attribute (which fails unless the cluster registered it), waits for
// a signal and returns what the signal carried.
import { condition, defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { AD_STAGE } from '../../src/workflows/ad/searchAttributes';

export const proceed = defineSignal<[string]>('proceed');

export async function waitForProceed(stage: string): Promise<string> {
  let answer: string | undefined;
  setHandler(proceed, (value) => {
    answer = value;
  });
  upsertSearchAttributes([{ key: AD_STAGE, value: stage }]);
  await condition(() => answer !== undefined);
  return `${stage}:${answer}`;
}
