// The ad page's head: stage, progress, credits, what the operator can do
// next, and the final video once there is one.
import { formatCreditsStatus, formatTime, mediaUrl, setSource, setText } from './common.js';
import { adId, page } from './adPage.js';

/** What the operator can do next, by stage. */
const NEXT_STEP = {
  creating: 'Vidu is creating the ad. You can cancel it; edits and approval can be sent ahead.',
  generating: 'Vidu is making the first video. You can cancel it; edits and approval can be sent ahead.',
  reading: 'Reading the storyboards and saving the takes.',
  editing: 'Edits are running: their takes appear below as they finish. You can request more edits, or cancel.',
  review: 'Your review: play the takes, select the best take of each storyboard (and narration and music), request edits, then approve to make the final video.',
  composing: 'Approved: Vidu is composing the final video from the selected takes. Nothing to do.',
  saving: 'Saving the final video. Nothing to do.',
  done: 'Done: the final video is above.',
  failed: 'The ad failed (the reason is below). It can be started again with the admin tool (vidu-ad-admin retry).',
  cancelled: 'The ad was cancelled.',
};

/** A result file's place in the ad's folder (`media`; results saved by older workers only have the absolute path). */
function pathInAdFolder(file) {
  if (file.media) return file.media;
  const normalised = String(file.path).replaceAll('\\', '/');
  if (!normalised.startsWith('/') && !/^[a-z]:\//i.test(normalised)) return normalised;
  const marker = `/${adId}/`;
  const at = normalised.lastIndexOf(marker);
  return at >= 0 ? normalised.slice(at + marker.length) : normalised.split('/').pop();
}

export function renderSummary(status, finished) {
  setText(page.stage, status.stage);
  page.stage.dataset.stage = status.stage;
  // Progress is the awaited Vidu task's: in review the ad waits for the operator, not for Vidu.
  page.progressRow.hidden = ['review', 'failed', 'cancelled'].includes(status.stage);
  const progress = status.stage === 'done' ? 100 : (status.progress ?? 0);
  page.progress.value = progress;
  setText(page.progressText, `${progress}%`);
  setText(page.credits, formatCreditsStatus(status));
  setText(page.editsUsed, `${status.editsUsed ?? 0} of ${status.maxEdits ?? '?'}`);
  page.deadlineFact.hidden = !(status.stage === 'review' && status.reviewDeadline);
  setText(page.deadline, status.reviewDeadline ? formatTime(status.reviewDeadline) : '');
  setText(page.next, NEXT_STEP[status.stage] ?? '');
  page.waiting.hidden = !status.waitingFor;
  setText(page.waiting, status.waitingFor ? `Waiting: ${status.waitingFor}` : '');
  page.lastError.hidden = !status.lastError;
  setText(page.lastError, status.lastError ?? '');
  page.actions.hidden = finished;
}

export function renderResult(status) {
  const result = status.result;
  page.result.hidden = !(result?.video?.path);
  if (page.result.hidden) return;
  const url = mediaUrl(adId, pathInAdFolder(result.video));
  setSource(page.finalVideo, url);
  if (result.cover?.path) page.finalVideo.setAttribute('poster', mediaUrl(adId, pathInAdFolder(result.cover)));
  page.finalLink.href = url;
  setText(page.finalFacts, `${result.outcome === 'composed' ? 'Composed from the selected takes' : 'The first video'} · ${Math.round((result.video.bytes ?? 0) / 1024)} KB`);
}
