// Keeps the final video and its cover: Vidu's URLs expire within the hour,
// so each attempt asks for fresh ones and streams both files into the
// artifact store under `<adId>/`. Repeating it is harmless (same paths,
// atomic replace), so an expired URL or a broken download is simply retried.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { SavedResult, SaveResultInput } from '../workflows/ad/activityContract';
import type { SavedFile } from '../artifacts/artifactStore';
import type { StoredFile } from '../workflows/ad/contract';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { downloadToStore, safeName } from './mediaDownload';
import { readFailure } from './viduFailures';

export function saveResultActivity(deps: ActivityDeps) {
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
    const adFolder = `${input.adId}/`;
    const base = `${adFolder}${input.label}-${safeName(input.taskId)}`;
    // The store answers each file's key inside it ("<adId>/<name>"); the media route serves it by the rest.
    const inAdFolder = (file: SavedFile): StoredFile => ({ ...file, media: file.key.slice(adFolder.length) });
    const video = await downloadToStore(deps, creation.url, base, 'mp4');
    const cover = await downloadToStore(deps, creation.cover_url, `${base}-cover`, 'jpg');
    deps.metrics?.finalVideoSaved(input.label);
    Context.current().log.info(`final video of Vidu task ${input.taskId} saved`, { taskId: input.taskId, label: input.label, bytes: video.bytes, coverBytes: cover.bytes });
    return { video: inAdFolder(video), cover: inAdFolder(cover) };
  };
}
