// Starts a campaign for another service (or the campaign command line): every
// image list of the brief is loaded and stored like an ad's (base64 never
// enters history), the whole brief is checked before anything is started, and
// the campaign runs under the caller's campaign id, so starting twice yields
// one campaign.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CAMPAIGN_WORKFLOW_TYPE, workflowIdForCampaign, type CampaignInput } from '../workflows/campaignMessages';
import { campaignInputProblems, expandVariants } from '../workflows/campaignVariants';
import { getCampaignHandle, type CampaignHandle } from './campaignHandle';
import { AdInputError, type InputIssue } from './errors';
import { loadImages, storeImages, type LoadedImage } from './images';
import { DEFAULT_STARTER_LABEL, type StartAdOptions } from './startAd';
import { senderOf } from '../workflows/messages';

export type StartCampaignOptions = StartAdOptions;

/** "field: rule" -> { field, rule } */
function asIssue(problem: string): InputIssue {
  const at = problem.indexOf(': ');
  return at < 0 ? { field: '(request)', rule: problem } : { field: problem.slice(0, at), rule: problem.slice(at + 2) };
}

/** Loads one image list; answers the stored list, or undefined with its issues named under `field`. */
async function storedImages(field: string, images: unknown, options: StartCampaignOptions, issues: InputIssue[]): Promise<string[] | undefined> {
  if (!Array.isArray(images)) return undefined; // the brief's own check names it
  const loaded = await loadImages(images, { store: options.artifacts, allowLocalFiles: options.allowLocalFiles ?? false, baseDir: options.baseDir });
  issues.push(...loaded.issues.map((issue) => ({ field: issue.field.replace(/^images/, field), rule: issue.rule })));
  return loaded.issues.length > 0 ? undefined : storeImages(loaded.images as LoadedImage[], options.artifacts);
}

/**
 * Validates the brief and starts the campaign's workflow; answers its handle.
 * If the campaign id is taken (running or finished), answers that campaign
 * and starts nothing. Throws AdInputError (nothing stored, started or spent)
 * when the brief is invalid.
 */
export async function startCampaign(client: Client, brief: CampaignInput, options: StartCampaignOptions): Promise<CampaignHandle> {
  const issues: InputIssue[] = [];
  const startedBy = senderOf(options.by) ?? DEFAULT_STARTER_LABEL;
  const input: CampaignInput = { ...brief, startedBy };
  delete input.continued;
  if (brief?.images !== undefined) input.images = (await storedImages('images', brief.images, options, issues)) ?? brief.images;
  if (Array.isArray(brief?.products)) {
    input.products = await Promise.all(
      brief.products.map(async (product, i) => ({ ...product, images: (await storedImages(`products[${i}].images`, product?.images, options, issues)) ?? product?.images })),
    );
  }
  if (issues.length === 0) issues.push(...campaignInputProblems(input).map(asIssue));
  if (issues.length > 0) throw new AdInputError(issues);

  const count = expandVariants(input).length;
  try {
    await client.workflow.start(CAMPAIGN_WORKFLOW_TYPE, {
      workflowId: workflowIdForCampaign(input.campaignId),
      taskQueue: options.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Campaign ${input.campaignId}: ${count} ads${input.prompt ? `, ${input.prompt.slice(0, 60)}` : ''}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return getCampaignHandle(client, input.campaignId, { by: startedBy });
}
