// The workflow an activity runs for, by id: its callback URLs name it.

/** The id of the workflow that runs the current activity (an activity run alone in a test has none). */
export function currentWorkflowId(info: { workflowExecution?: { workflowId: string }; activityId: string }): string {
  return info.workflowExecution?.workflowId ?? `activity-${info.activityId}`;
}
