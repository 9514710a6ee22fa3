// What makes up the ad workflow's code: the workflows and the workflow
// interceptor module that carries trace context (src/workflows/shared/traceContext.ts).
// Every bundle (npm run build, the worker at start, tests, benchmarks) is made
// from this, so the code that runs is the code the replay tests check.
import { bundleWorkflowCode, DefaultLogger, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/shared/traceContext')];

/** Bundles the ad workflow code (webpack, a few seconds). The bundler logs every module at INFO, so WARN by default. */
export function bundleAdWorkflowCode(logger: Logger = new DefaultLogger('WARN')): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger });
}
