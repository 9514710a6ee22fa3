// The workflow bundle's entry point (bundleWorkflowCode builds from this file).
export { adFilmWorkflow } from './adFilmWorkflow';
export { campaignWorkflow } from './campaignWorkflow';
