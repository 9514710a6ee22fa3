// The baseline workflow's activities: trivial, except that the first asks the
// benchmark process (over the worker process's IPC channel) to signal the
// workflow, the way a created Vidu task leads to callbacks.
import { Context } from '@temporalio/activity';

export interface BaselineActivities {
  baselineKickoff(): Promise<void>;
  baselineStep(step: number): Promise<number>;
}

export function createBaselineActivities(requestSignals: (workflowId: string) => void): BaselineActivities {
  return {
    async baselineKickoff() {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      if (!workflowId) throw new Error('baselineKickoff runs only as a workflow activity');
      requestSignals(workflowId);
    },
    async baselineStep(step: number) {
      return step;
    },
  };
}
