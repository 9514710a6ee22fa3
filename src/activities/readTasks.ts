// Reads and cancels: harmless to repeat, so Temporal retries them on
// transient failures. Results are compact: states, ids and prompts, never
// the media URLs (they expire within the hour and would only bloat history).
import { Context } from '@temporalio/activity';
import type { AdSubRecords, SubRecord } from '../vidu/apiTypes';
import { ViduApiError } from '../vidu/errors';
import type { AdRecords, CancelOutcome, TakeRecord, TaskSnapshot } from '../workflows/ad/activityContract';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { readFailure } from './viduFailures';

function take(record: SubRecord): TakeRecord {
  return { id: record.id, prompt: record.prompt, state: record.state, errCode: record.err_code };
}

/** The sub-records the workflow needs, storyboards placed by their index. */
export function compactRecords(sub: AdSubRecords): AdRecords {
  const { storyboards, narration_records, bgm_records, completed_creation_records } = sub.data_records;
  const byIndex: TakeRecord[][] = [];
  for (const board of storyboards) byIndex[board.storyboard_id] = board.records.map(take);
  const first = completed_creation_records.find((r) => r.state === 'success') ?? completed_creation_records[0];
  return {
    storyboards: Array.from(byIndex, (takes) => takes ?? []),
    narration: narration_records.map(take),
    bgm: bgm_records.map(take),
    composedIds: completed_creation_records.map((r) => r.id),
    firstSelection: first?.params && {
      videoTaskIds: first.params.video_task_ids,
      narrationTaskId: first.params.narration_task_id,
      bgmTaskId: first.params.bgm_task_id,
    },
  };
}

export function readActivities(deps: ActivityDeps) {
  return {
    async getTaskState(taskId: string): Promise<TaskSnapshot> {
      const { cancellationSignal: signal } = Context.current();
      try {
        const task = await whileHeartbeating(deps.vidu.getCreations(taskId, { signal }));
        Context.current().log.debug(`Vidu task ${taskId} is ${task.state}`, { taskId, state: task.state, progress: task.progress });
        return { taskId, state: task.state, progress: task.progress, errCode: task.err_code, credits: task.credits };
      } catch (err) {
        throw readFailure(err);
      }
    },

    async readSubRecords(mainTaskId: string): Promise<AdRecords> {
      const { cancellationSignal: signal } = Context.current();
      Context.current().log.debug(`reading the sub-records of Vidu task ${mainTaskId}`, { taskId: mainTaskId });
      try {
        return compactRecords(await whileHeartbeating(deps.vidu.getAdSubRecords(mainTaskId, { signal })));
      } catch (err) {
        throw readFailure(err);
      }
    },

    /** A refusal (e.g. the task already finished) is an answer, not a failure. */
    async cancelViduTask(taskId: string): Promise<CancelOutcome> {
      const { cancellationSignal: signal } = Context.current();
      try {
        await deps.vidu.cancelTask(taskId, { signal });
        Context.current().log.info(`Vidu task ${taskId} cancelled`, { taskId });
        return { cancelled: true };
      } catch (err) {
        if (err instanceof ViduApiError && !err.retryable) return { cancelled: false, detail: err.message };
        throw readFailure(err);
      }
    },
  };
}
