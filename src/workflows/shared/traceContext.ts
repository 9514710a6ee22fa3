// Joins an ad's traces across the workflow: the trace context that came with
// whatever last moved the ad (its start, a signal such as the receiver's
// callback, an accepted update from the API or admin tool) travels on to the
// activities, child workflows and continue-as-new that the workflow schedules
// next. The activity's span (src/tracing.ts) then opens under that signal's or
// update's span, and the Vidu HTTP call under the activity: one trace from the
// receiver's signal through the workflow to Vidu.
//
// Only headers are copied, as opaque payloads: no span is made in the
// workflow, nothing is awaited, no flag is read, so the workflow's commands
// and their order are the same with or without it (the SDK's own workflow
// interceptors made ads that received an update unreplayable in SDK 1.24).
// Without tracing no message carries the header and nothing changes at all.
import type { Headers } from '@temporalio/common';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/** The header the SDK's OpenTelemetry client and activity interceptors write and read. */
export const TRACE_HEADER = '_tracer-data';

type WithHeaders = { headers: Headers };

export const interceptors = (): WorkflowInterceptors => {
  // One factory call per workflow run: this is the run's own state.
  let cause: Headers[string] | undefined;
  const remember = (headers: Headers) => {
    cause = headers[TRACE_HEADER] ?? cause;
  };
  const carry = <T extends WithHeaders>(input: T): T =>
    cause === undefined || input.headers[TRACE_HEADER] !== undefined ? input : { ...input, headers: { ...input.headers, [TRACE_HEADER]: cause } };

  return {
    inbound: [
      {
        execute: (input, next) => {
          remember(input.headers);
          return next(input);
        },
        handleSignal: (input, next) => {
          remember(input.headers);
          return next(input);
        },
        // Not validateUpdate: a refused update moved nothing.
        handleUpdate: (input, next) => {
          remember(input.headers);
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next(carry(input)),
        scheduleLocalActivity: (input, next) => next(carry(input)),
        startChildWorkflowExecution: (input, next) => next(carry(input)),
        continueAsNew: (input, next) => next(carry(input)),
      },
    ],
  };
};
