// Reads the signals a workflow received back from its history, so tests can
// check what reached it (and that a rejected callback changed nothing).
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

export interface ReceivedSignal {
  name: string;
  args: unknown[];
}

export async function signalsOf(client: Client, workflowId: string): Promise<ReceivedSignal[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const attrs = event.workflowExecutionSignaledEventAttributes;
    if (!attrs) return [];
    const args = (attrs.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
    return [{ name: attrs.signalName ?? '', args }];
  });
}

export async function historyLength(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? 0;
}
