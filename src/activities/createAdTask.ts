// Creates the ad's main Vidu task. Create spends credits and Vidu offers no
// way to find a task by anything we send, so this activity is never retried
// by Temporal (the workflow gives it one attempt): inside the attempt it only
// repeats rejections that prove nothing was created, a longer refusal goes
// back to the workflow (ViduRateLimited), and an unclear outcome fails with
// ViduCreateOutcomeUnknown. The attempt's marker goes into the callback URL.
// Before the request leaves, the attempt records its evidence heartbeat and
// waits for Temporal to confirm it (createEvidence.ts), so that a timed-out
// attempt without it is known never to have sent anything. The HTTP call is
// not aborted when the activity is cancelled: letting it finish tells the
// workflow the id of a task that was created, so that it can cancel it
// instead of losing track.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { CreatedTask, CreateAdTaskInput, CreateEvidence } from '../workflows/ad/activityContract';
import { callbackUrlFor } from '../callbacks/viduCallback';
import { currentWorkflowId } from './activityWorkflow';
import type { ActivityDeps } from './deps';
import { DEFAULT_REJECTION_BACKOFF, retryDefinitiveRejections } from './heartbeat';
import { createFailure, isDefinitiveRejection } from './viduFailures';
import { IMAGE_CREATES_AT_ONCE, Slots } from './createSlots';
import { recordConfirmedHeartbeat } from './createEvidence';

async function resolveImages(deps: ActivityDeps, images: string[]): Promise<string[]> {
  return Promise.all(
    images.map(async (image, index) => {
      if (!deps.artifacts.isStoredRef(image)) return image;
      try {
        return await deps.artifacts.readImageAsDataUri(image);
      } catch (err) {
        throw ApplicationFailure.create({
          type: 'StoredImageUnavailable',
          message: `images[${index}]: ${image} cannot be read from the artifact store (${(err as Error).message})`,
          nonRetryable: true,
        });
      }
    }),
  );
}

export function createAdTaskActivity(deps: ActivityDeps) {
  const imageSlots = new Slots(IMAGE_CREATES_AT_ONCE);
  return async function createAdTask(input: CreateAdTaskInput): Promise<CreatedTask> {
    // Creates that carry stored images wait for a slot before reading them (see createSlots.ts).
    if (input.images.some((image) => deps.artifacts.isStoredRef(image))) {
      return imageSlots.run(() => create(input), () => recordConfirmedHeartbeat(deps.recordHeartbeat, undefined));
    }
    return create(input);
  };

  async function create(input: CreateAdTaskInput): Promise<CreatedTask> {
    const context = Context.current();
    const images = await resolveImages(deps, input.images);
    const request = {
      images,
      prompt: input.prompt,
      duration: input.duration,
      aspect_ratio: input.aspectRatio,
      language: input.language,
      callback_url: callbackUrlFor(deps.callbackPublicUrl, currentWorkflowId(context.info), input.attemptMarker),
    };
    // If this worker dies mid-request, the workflow reads this from the heartbeat: can a callback still tell it the outcome?
    const callbacks = request.callback_url !== undefined;
    const evidence: CreateEvidence = { attemptMarker: input.attemptMarker ?? '', callbacks };
    await recordConfirmedHeartbeat(deps.recordHeartbeat, evidence);
    try {
      const created = await retryDefinitiveRejections(
        () => deps.vidu.createAd(request),
        isDefinitiveRejection,
        deps.rejectionBackoff ?? DEFAULT_REJECTION_BACKOFF,
        evidence,
      );
      deps.metrics?.creditsCharged('create', created.credits);
      context.log.info(`Vidu ad task ${created.task_id} created`, { taskId: created.task_id, state: created.state, credits: created.credits });
      return { taskId: created.task_id, state: created.state, credits: created.credits };
    } catch (err) {
      throw createFailure(err, callbacks);
    }
  }
}
