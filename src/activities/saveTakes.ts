// Keeps the ad's takes (every storyboard video with its cover frame, every
// narration and music track) past Vidu's one-hour URLs, under
// `<adId>/takes/<takeId>.<ext>` and `<adId>/takes/<takeId>-cover.<ext>`.
// One activity per occasion: it reads the sub-records for fresh media URLs
// (and each video take's creations for its cover), then streams the files a
// few at a time. A take that cannot be saved (expired, gone, too large) is
// reported, not thrown: the workflow tries it again on the next occasion.
// Only a failure to reach Vidu's API fails the activity, so that Temporal and
// the workflow's outage budget ride it out.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { ViduApiError } from '../vidu/errors';
import type { SavedTake, SavedTakes, SaveTakesInput, TakeToSave } from '../workflows/ad/activityContract';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { downloadToStore, safeName } from './mediaDownload';
import { readFailure } from './viduFailures';

/** Downloads (and creations lookups) running at once. */
export const TAKE_SAVES_IN_PARALLEL = 4;
const MAX_REASONS = 5;
const MAX_REASON_CHARS = 200;

type Part = 'media' | 'cover';

interface FileJob {
  take: TakeToSave;
  part: Part;
}

interface FreshUrls {
  media: Map<string, string>;
  cover: Map<string, string>;
  /** Why a URL could not be had, by "<take id>:<part>". */
  missing: Map<string, string>;
}

/** Runs `work` on every item, at most `limit` at a time; never rejects (each outcome is returned). */
export async function settleWithLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<Array<PromiseSettledResult<R>>> {
  const outcomes: Array<PromiseSettledResult<R>> = new Array(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      try {
        outcomes[index] = { status: 'fulfilled', value: await work(items[index]!) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return outcomes;
}

function describe(err: unknown): string {
  const type = err instanceof ApplicationFailure && err.type ? `${err.type}: ` : '';
  const text = `${type}${err instanceof Error ? err.message : String(err)}`;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 3)}...` : text;
}

/** Worth a second try within this attempt: an expired URL or a passing network or server fault. */
function curedByFreshUrl(err: unknown): boolean {
  return err instanceof ApplicationFailure && !err.nonRetryable;
}

/** What the first round saved stands even when the second round cannot reach Vidu: its jobs count as failed. */
function keptAsFailed(jobs: FileJob[], signal: AbortSignal) {
  return (err: unknown): { saved: Array<[FileJob, string]>; failed: Array<[FileJob, unknown]> } => {
    if (signal.aborted) throw err;
    return { saved: [], failed: jobs.map((job) => [job, err]) };
  };
}

export function saveTakesActivity(deps: ActivityDeps) {
  /** Fresh URLs for the jobs: one sub-records read, plus one creations read per video take whose cover is wanted. */
  async function freshUrls(input: SaveTakesInput, jobs: FileJob[]): Promise<FreshUrls> {
    const { cancellationSignal: signal } = Context.current();
    const urls: FreshUrls = { media: new Map(), cover: new Map(), missing: new Map() };
    if (jobs.some((j) => j.part === 'media')) {
      let sub;
      try {
        sub = await whileHeartbeating(deps.vidu.getAdSubRecords(input.mainTaskId, { signal }));
      } catch (err) {
        throw readFailure(err);
      }
      const { storyboards, narration_records, bgm_records } = sub.data_records;
      for (const record of [...storyboards.flatMap((s) => s.records), ...narration_records, ...bgm_records]) {
        if (record.state === 'success' && record.creation_url) urls.media.set(record.id, record.creation_url);
      }
    }
    const covers = jobs.filter((j) => j.part === 'cover').map((j) => j.take.id);
    const outcomes = await settleWithLimit(covers, TAKE_SAVES_IN_PARALLEL, (id) => whileHeartbeating(deps.vidu.getCreations(id, { signal })));
    outcomes.forEach((outcome, i) => {
      const id = covers[i]!;
      if (outcome.status === 'rejected') {
        // Vidu unreachable fails the whole activity (retried); a take Vidu does not know only loses its cover.
        const err = outcome.reason;
        if (!(err instanceof ViduApiError) || err.retryable) throw readFailure(err);
        urls.missing.set(`${id}:cover`, describe(err));
        return;
      }
      const coverUrl = outcome.value.creations[0]?.cover_url;
      if (coverUrl) urls.cover.set(id, coverUrl);
    });
    return urls;
  }

  /** Saves the jobs' files; returns the paths saved and the errors of the rest. */
  async function saveFiles(input: SaveTakesInput, jobs: FileJob[]): Promise<{ saved: Array<[FileJob, string]>; failed: Array<[FileJob, unknown]> }> {
    const urls = await freshUrls(input, jobs);
    const outcomes = await settleWithLimit(jobs, TAKE_SAVES_IN_PARALLEL, async (job) => {
      const url = (job.part === 'media' ? urls.media : urls.cover).get(job.take.id);
      if (!url) throw new Error(urls.missing.get(`${job.take.id}:${job.part}`) ?? `Vidu lists no ${job.part === 'media' ? 'media' : 'cover'} URL for it`);
      const name = `${safeName(job.take.id)}${job.part === 'cover' ? '-cover' : ''}`;
      const fallbackExt = job.part === 'cover' ? 'jpg' : job.take.kind === 'audio' ? 'mp3' : 'mp4';
      const stored = await downloadToStore(deps, url, `${input.adId}/takes/${name}`, fallbackExt);
      const ext = stored.key.slice(stored.key.lastIndexOf('.'));
      return `takes/${name}${ext}`;
    });
    const saved: Array<[FileJob, string]> = [];
    const failed: Array<[FileJob, unknown]> = [];
    outcomes.forEach((outcome, i) => (outcome.status === 'fulfilled' ? saved.push([jobs[i]!, outcome.value]) : failed.push([jobs[i]!, outcome.reason])));
    return { saved, failed };
  }

  return async function saveTakes(input: SaveTakesInput): Promise<SavedTakes> {
    const { cancellationSignal: signal } = Context.current();
    const jobs: FileJob[] = input.takes.flatMap((take) => [
      ...(take.media ? [{ take, part: 'media' as const }] : []),
      ...(take.cover && take.kind === 'video' ? [{ take, part: 'cover' as const }] : []),
    ]);
    const first = await saveFiles(input, jobs);
    // URLs may expire between the read and the download: one more read gives fresh ones.
    const again = first.failed.filter(([, err]) => curedByFreshUrl(err)).map(([job]) => job);
    const second = again.length > 0 && !signal.aborted ? await saveFiles(input, again).catch(keptAsFailed(again, signal)) : { saved: [], failed: [] };
    const retried = new Set(again);
    const failed = [...first.failed.filter(([job]) => !retried.has(job)), ...second.failed];
    // A cancelled activity reports its cancellation, not a list of aborted downloads.
    if (signal.aborted && failed.length > 0) throw failed[0]![1];

    const byId = new Map<string, SavedTake>();
    for (const [job, path] of [...first.saved, ...second.saved]) {
      const entry = byId.get(job.take.id) ?? { id: job.take.id };
      entry[job.part] = path;
      byId.set(job.take.id, entry);
    }
    const reasons = new Map<string, string>();
    for (const [job, err] of failed) reasons.set(job.take.id, `${reasons.has(job.take.id) ? `${reasons.get(job.take.id)}; ` : ''}${job.part}: ${describe(err)}`);
    if (reasons.size > 0) Context.current().log.warn(`${reasons.size} take(s) of ad ${input.adId} not saved this time`, { taskId: input.mainTaskId, reasons: Object.fromEntries(reasons) });
    const unsaved = [...reasons].slice(0, MAX_REASONS).map(([id, reason]) => ({ id, reason: reason.slice(0, MAX_REASON_CHARS) }));
    return { saved: [...byId.values()], unsaved, unsavedCount: reasons.size };
  };
}
