// Keeps the final video and its cover: Vidu's URLs expire within the hour,
// so each attempt asks for fresh ones and streams both files into the
// artifact store under `<adId>/`. Repeating it is harmless (same paths,
// atomic replace), so an expired URL or a broken download is simply retried.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { ArtifactTooLargeError } from '../artifacts/artifactStore';
import { ViduApiError } from '../vidu/errors';
import { downloadMedia } from '../vidu/viduClient';
import type { SavedResult, SaveResultInput } from '../workflows/activityTypes';
import type { StoredFile } from '../workflows/messages';
import type { ActivityDeps } from './deps';
import { heartbeatingBody, whileHeartbeating } from './heartbeat';
import { readFailure } from './viduFailures';

const DEFAULT_MAX_MEDIA_BYTES = 2 * 1024 ** 3;
const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

function extensionFor(contentType: string, fallback: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? fallback;
}

function safeName(text: string): string {
  return text.replace(/[^\w.-]/g, '_');
}

export function saveResultActivity(deps: ActivityDeps) {
  async function download(url: string, baseName: string, fallbackExt: string): Promise<StoredFile> {
    const { cancellationSignal: signal } = Context.current();
    const maxBytes = deps.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
    try {
      const media = await whileHeartbeating(downloadMedia(url, { signal, maxBytes, timeoutMs: deps.downloadTimeoutMs ?? 60_000 }));
      const path = `${baseName}.${extensionFor(media.contentType, fallbackExt)}`;
      return await deps.artifacts.saveMedia(path, heartbeatingBody(media.body), media.contentType, { maxBytes });
    } catch (err) {
      if (err instanceof ArtifactTooLargeError) throw ApplicationFailure.create({ type: 'MediaTooLarge', message: err.message, nonRetryable: true });
      // An expired URL is cured by the next attempt, which asks Vidu for fresh ones.
      if (err instanceof ViduApiError && err.code === 'MediaUnavailable') throw ApplicationFailure.retryable(err.message, 'MediaUnavailable');
      throw readFailure(err);
    }
  }

  return async function saveResult(input: SaveResultInput): Promise<SavedResult> {
    const { cancellationSignal: signal } = Context.current();
    let task;
    try {
      task = await whileHeartbeating(deps.vidu.getCreations(input.taskId, { signal }));
    } catch (err) {
      throw readFailure(err);
    }
    const creation = task.creations[0];
    if (task.state !== 'success' || !creation) {
      throw ApplicationFailure.create({
        type: 'ViduCreationMissing',
        message: `Vidu task ${input.taskId} is ${task.state} with ${task.creations.length} creations: nothing to save`,
        nonRetryable: true,
      });
    }
    const base = `${input.adId}/${input.label}-${safeName(input.taskId)}`;
    const video = await download(creation.url, base, 'mp4');
    const cover = await download(creation.cover_url, `${base}-cover`, 'jpg');
    return { video, cover };
  };
}
