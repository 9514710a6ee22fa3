// The OpenTelemetry workflow interceptors, as a module of the workflow bundle
// (bundleWorkflowCode's `workflowInterceptorModules`). Every bundle carries
// them, whether tracing is on or not, so that switching tracing on or off
// never changes the workflow code a running ad replays against. They trace the
// run, each signal and each activity scheduled, and pass the trace on to the
// activities in their headers; their spans leave the sandbox through the
// `exporter` sink (see src/tracing.ts), which drops them when tracing is off.
export { interceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
