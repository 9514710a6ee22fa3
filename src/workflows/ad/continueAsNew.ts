// Continue-as-new at any stage. Waiting is cheap in events but not free
// (polls, callbacks, retries), and an ad can wait for days, so once the
// history is long the run hands its whole state to a new run. It does so only
// at a quiet moment, when no activity is running and every handler has
// answered: then every step is either done (recorded in the state) or waiting
// on a timer or a condition, which the next run simply starts again.
import { allHandlersFinished, condition, makeContinueAsNewFunc, workflowInfo } from '@temporalio/workflow';
import type { AdFilmInput } from './contract';

export function continueAsNewDue(afterEvents: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= afterEvents;
}

/** Never resolves: once due and quiet, it continues as new (by throwing ContinueAsNew). */
export async function continueAsNewWhenDue(afterEvents: number, quiet: () => boolean, nextInput: () => AdFilmInput): Promise<never> {
  await condition(() => continueAsNewDue(afterEvents) && quiet() && allHandlersFinished());
  const next = makeContinueAsNewFunc<(input: AdFilmInput) => Promise<unknown>>({ typedSearchAttributes: workflowInfo().typedSearchAttributes });
  return next(nextInput());
}
