// The callback URL Vidu gets: the public callback endpoint with the workflow
// id (and, for a create, the attempt's marker) in its query string, which
// Vidu's signature covers, so the receiver knows which workflow to signal and
// a forger cannot redirect a callback or claim another attempt's task.
import { CALLBACK_QUERY } from '../workflows/ad/contract';

export function callbackUrlFor(callbackPublicUrl: string | undefined, workflowId: string, createAttempt?: string): string | undefined {
  if (!callbackPublicUrl) return undefined;
  const url = new URL(callbackPublicUrl);
  url.searchParams.set(CALLBACK_QUERY.workflowId, workflowId);
  if (createAttempt) url.searchParams.set(CALLBACK_QUERY.createAttempt, createAttempt);
  return url.toString();
}

/** The id of the workflow that runs the current activity. */
export function currentWorkflowId(info: { workflowExecution?: { workflowId: string }; activityId: string }): string {
  return info.workflowExecution?.workflowId ?? `activity-${info.activityId}`;
}
