// Starts a campaign for another service (or the campaign command line): every
// image list of the brief is loaded and stored like an ad's (base64 never
// enters history), the whole brief is checked before anything is started, and
// the campaign runs under the caller's campaign id, so starting twice yields
// one campaign.
import type { Client } from '@temporalio/client';
import { CAMPAIGN_WORKFLOW_TYPE, workflowIdForCampaign, type CampaignInput } from '../workflows/campaign/contract';
import { campaignInputProblems, expandVariants } from '../workflows/campaign/variants';
import { getCampaignHandle, type CampaignHandle } from './campaignHandle';
import { AdInputError, type InputIssue } from './errors';
import { loadImages, plannedRefs, storeImages, type LoadedImage } from './images';
import { DEFAULT_STARTER_LABEL, type StartAdOptions } from './startAd';
import { startOnce } from './startOnce';
import { senderOf } from '../workflows/ad/contract';

export type StartCampaignOptions = StartAdOptions;

/** "field: rule" -> { field, rule } */
function asIssue(problem: string): InputIssue {
  const at = problem.indexOf(': ');
  return at < 0 ? { field: '(request)', rule: problem } : { field: problem.slice(0, at), rule: problem.slice(at + 2) };
}

/** Loads one image list without storing it; undefined when it has issues, named under `field`. */
async function loadedImages(field: string, images: unknown, options: StartCampaignOptions, issues: InputIssue[]): Promise<LoadedImage[] | undefined> {
  if (!Array.isArray(images)) return undefined; // the brief's own check names it
  const loaded = await loadImages(images, { store: options.artifacts, allowLocalFiles: options.allowLocalFiles ?? false, baseDir: options.baseDir });
  issues.push(...loaded.issues.map((issue) => ({ field: issue.field.replace(/^images/, field), rule: issue.rule })));
  return loaded.issues.length > 0 ? undefined : (loaded.images as LoadedImage[]);
}

/**
 * Validates the brief and starts the campaign's workflow; answers its handle.
 * If the campaign id is taken (running or finished), answers that campaign
 * and starts nothing. Throws AdInputError (nothing stored, started or spent)
 * when the brief is invalid: its images are stored only once every rule passed.
 */
export async function startCampaign(client: Client, brief: CampaignInput, options: StartCampaignOptions): Promise<CampaignHandle> {
  const issues: InputIssue[] = [];
  const startedBy = senderOf(options.by) ?? DEFAULT_STARTER_LABEL;
  const input: CampaignInput = { ...brief, startedBy };
  delete input.continued;
  const images = brief?.images !== undefined ? await loadedImages('images', brief.images, options, issues) : undefined;
  if (images) input.images = plannedRefs(images);
  const productImages = Array.isArray(brief?.products)
    ? await Promise.all(brief.products.map((product, i) => loadedImages(`products[${i}].images`, product?.images, options, issues)))
    : [];
  if (Array.isArray(brief?.products)) {
    input.products = brief.products.map((product, i) => ({ ...product, images: productImages[i] ? plannedRefs(productImages[i]) : product?.images }));
  }
  if (issues.length === 0) issues.push(...campaignInputProblems(input).map(asIssue));
  if (issues.length > 0) throw new AdInputError(issues);

  if (images) input.images = await storeImages(images, options.artifacts);
  for (const [i, loaded] of productImages.entries()) if (loaded) input.products![i]!.images = await storeImages(loaded, options.artifacts);

  const count = expandVariants(input).length;
  await startOnce(client, CAMPAIGN_WORKFLOW_TYPE, {
    workflowId: workflowIdForCampaign(input.campaignId),
    taskQueue: options.taskQueue,
    args: [input],
    staticSummary: `Campaign ${input.campaignId}: ${count} ads${input.prompt ? `, ${input.prompt.slice(0, 60)}` : ''}`,
  });
  return getCampaignHandle(client, input.campaignId, { by: startedBy });
}
