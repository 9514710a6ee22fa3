// The payloads a workflow history carries, decoded to text. The SDK stores a
// payload's data as the bytes of its JSON (base64 again when the history is
// serialized), so searching the raw history for an image's base64 finds
// nothing even when the image is there: checks must look at decoded data.
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface HistoryPayloadTexts {
  /** The workflow input: the WorkflowExecutionStarted event's payloads. */
  workflowInput: string[];
  /** Every ActivityTaskScheduled event's input payloads. */
  activityInputs: string[];
}

function decode(payloads: temporal.api.common.v1.IPayloads | null | undefined): string[] {
  return (payloads?.payloads ?? []).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
}

export function historyPayloadTexts(history: History): HistoryPayloadTexts {
  const events = history.events ?? [];
  return {
    workflowInput: events.flatMap((e) => decode(e.workflowExecutionStartedEventAttributes?.input)),
    activityInputs: events.flatMap((e) => decode(e.activityTaskScheduledEventAttributes?.input)),
  };
}
