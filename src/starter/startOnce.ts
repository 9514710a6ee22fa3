// Starting a workflow under the caller's id, once: what makes starting an ad
// or a campaign twice yield one. A run that is still going is left as it is
// (USE_EXISTING); a finished one is never started again under the same id
// (REJECT_DUPLICATE). Either way the caller goes on with the existing run.
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';

export type StartOnceOptions = Omit<WorkflowStartOptions, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'>;

export async function startOnce(client: Client, workflowType: string, options: StartOnceOptions): Promise<void> {
  try {
    await client.workflow.start(workflowType, { ...options, workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
