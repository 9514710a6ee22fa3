// Starts an ad for another service: checks the whole request before anything
// is stored or spent, keeps base64 out of workflow history, and starts the
// workflow under the caller's ad id so that starting twice yields one ad.
import { type Client } from '@temporalio/client';
import { ViduValidationError } from '../vidu/errors';
import { validateCreateAdRequest } from '../vidu/requestValidation';
import { AD_ID, AD_STAGE } from '../workflows/ad/searchAttributes';
import { AD_WORKFLOW_TYPE, senderOf, workflowIdForAd, type AdFilmInput } from '../workflows/ad/contract';
import { adStaticDetails, adStaticSummary } from '../workflows/ad/summaries';
import { getAdHandle, type AdHandle } from './adHandle';
import { adRequestIssues, type StartAdRequest } from './adRequest';
import { AdInputError, type InputIssue } from './errors';
import { loadImages, storeImages, type ImageStore, type LoadedImage } from './images';
import { startOnce } from './startOnce';

export interface StartAdOptions {
  taskQueue: string;
  /** Where inline images go (LocalArtifactStore); the worker reads them back from the same store. */
  artifacts: ImageStore;
  /** Accept local file paths as images (command lines); off by default for services. */
  allowLocalFiles?: boolean;
  /** Base for relative file paths. Default: the current directory. */
  baseDir?: string;
  /**
   * Who starts the ad, shown as the status's `startedBy` (and as `by` of the requests the
   * returned handle sends). Default: "starter". The HTTP API passes the key's name.
   */
  by?: string;
}

/** Who a starter call speaks for when the caller names no one. */
export const DEFAULT_STARTER_LABEL = 'starter';

// Vidu's field names back to the request's, so an issue names what the caller wrote.
const FIELD_NAMES: Record<string, string> = { aspect_ratio: 'aspectRatio', '(body)': 'images', '(request)': '(request)' };

function renameField(field: string): string {
  return FIELD_NAMES[field] ?? field;
}

/** Placeholder for an image that could not be read (already reported), so the others keep their indices. */
const UNREADABLE = 'https://unreadable.invalid/image.png';

function viduIssues(request: StartAdRequest, images: Array<LoadedImage | undefined>): InputIssue[] {
  const createRequest = Object.fromEntries(
    Object.entries({
      images: images.map((image) => image?.forValidation ?? UNREADABLE),
      prompt: request.prompt,
      duration: request.duration,
      aspect_ratio: request.aspectRatio,
      language: request.language,
    }).filter(([, value]) => value !== undefined),
  );
  try {
    validateCreateAdRequest(createRequest);
    return [];
  } catch (err) {
    if (!(err instanceof ViduValidationError)) throw err;
    return err.issues.map((issue) => ({ field: renameField(issue.field), rule: issue.rule }));
  }
}

/**
 * Validates the request and starts the ad's workflow; answers its handle. If
 * the ad id is already taken (running or finished), answers that ad's handle
 * and starts nothing: one ad id is one ad, whatever the second request says.
 * Throws AdInputError (nothing stored, started or spent) when the request is invalid.
 */
export async function startAd(client: Client, request: StartAdRequest, options: StartAdOptions): Promise<AdHandle> {
  const issues = adRequestIssues(request);
  let loaded: Array<LoadedImage | undefined> = [];
  if (!Array.isArray(request?.images)) {
    issues.push({ field: 'images', rule: 'is required: an array of 1-7 images' });
  } else {
    const result = await loadImages(request.images, { store: options.artifacts, allowLocalFiles: options.allowLocalFiles ?? false, baseDir: options.baseDir });
    loaded = result.images;
    issues.push(...result.issues);
    issues.push(...viduIssues(request, loaded));
  }
  if (issues.length > 0) throw new AdInputError(issues);

  const startedBy = senderOf(options.by) ?? DEFAULT_STARTER_LABEL;
  const input: AdFilmInput = { ...request, images: await storeImages(loaded as LoadedImage[], options.artifacts), startedBy };
  await startOnce(client, AD_WORKFLOW_TYPE, {
    workflowId: workflowIdForAd(request.adId),
    taskQueue: options.taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: AD_ID, value: request.adId },
      { key: AD_STAGE, value: 'creating' },
    ],
    // The Web UI's caption for the ad (this run only: continue-as-new drops it, the current details repeat it).
    staticSummary: adStaticSummary(input),
    staticDetails: adStaticDetails(input),
  });
  return getAdHandle(client, request.adId, { by: startedBy });
}
