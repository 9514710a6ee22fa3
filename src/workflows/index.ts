// The workflow bundle's entry point (bundleWorkflowCode builds from this file).
export { adFilmWorkflow } from './ad/workflow';
export { campaignWorkflow } from './campaign/workflow';
