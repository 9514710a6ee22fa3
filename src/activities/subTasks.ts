// Edit and compose: the sub-tasks that spend credits after the ad exists.
// Definitive rejections are repeated inside one attempt. An unclear outcome
// (the request may have reached Vidu) fails the attempt as retryable, and
// every later attempt first looks for the record the earlier one may have
// made: a new record of the same storyboard / narration / bgm / compose list
// whose `payload` carries this request's marker. Only when none shows up
// within the lookup window is the request sent again.
import { Context } from '@temporalio/activity';
import type { AdSubRecords, EditType } from '../vidu/apiTypes';
import type { StartComposeInput, StartedSubTask, StartEditInput } from '../workflows/ad/activityContract';
import type { EditKind } from '../workflows/ad/contract';
import { callbackUrlFor } from '../callbacks/viduCallback';
import { currentWorkflowId } from './activityWorkflow';
import type { ActivityDeps } from './deps';
import { DEFAULT_REJECTION_BACKOFF, retryDefinitiveRejections, whileHeartbeating } from './heartbeat';
import { isDefinitiveRejection, readFailure, subTaskFailure } from './viduFailures';

const EDIT_TYPES: Record<EditKind, EditType> = { video: 'generate_video', narration: 'generate_narration', bgm: 'generate_bgm' };
const DEFAULT_RECORD_LOOKUP_MS = 30_000;
/** Candidates checked per look; a storyboard rarely has more takes than this. */
const MAX_CANDIDATES = 20;

/** The `payload` sent with the request: the workflow and a marker unique to this request. */
export function requestPayload(workflowId: string, marker: string): string {
  return JSON.stringify({ workflowId, request: marker });
}

type RecordIds = (sub: AdSubRecords) => string[];

/**
 * Looks for the record an earlier attempt created, polling the sub-records
 * for up to `lookupMs` (a record may show up only after a while).
 */
async function findEarlierRecord(
  deps: ActivityDeps,
  mainTaskId: string,
  recordIds: RecordIds,
  known: Iterable<string>,
  payload: string,
): Promise<StartedSubTask | undefined> {
  const context = Context.current();
  const signal = context.cancellationSignal;
  const checked = new Set(known);
  const deadline = Date.now() + (deps.recordLookupMs ?? DEFAULT_RECORD_LOOKUP_MS);
  let pause = 250;
  try {
    for (;;) {
      const sub = await whileHeartbeating(deps.vidu.getAdSubRecords(mainTaskId, { signal }));
      const candidates = recordIds(sub).filter((id) => !checked.has(id)).slice(-MAX_CANDIDATES);
      for (const id of candidates) {
        const task = await whileHeartbeating(deps.vidu.getCreations(id, { signal }));
        if (task.payload === payload) {
          context.log.info(`found the record ${id} an earlier attempt created; not sending again`);
          return { subTaskId: id, state: task.state, credits: task.credits, recovered: true };
        }
        checked.add(id);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      context.heartbeat();
      await context.sleep(Math.min(pause, remaining));
      pause = Math.min(pause * 2, 5_000);
    }
  } catch (err) {
    throw readFailure(err);
  }
}

/**
 * Counts and logs a sub-task this attempt learnt of (sent now, or found after
 * an earlier attempt's unclear outcome, which counted nothing).
 */
function started(deps: ActivityDeps, context: Context, request: 'edit' | 'compose', task: StartedSubTask, mainTaskId: string): StartedSubTask {
  deps.metrics?.creditsCharged(request, task.credits);
  context.log.info(`Vidu ${request} sub-task ${task.subTaskId} ${task.recovered ? 'found' : 'started'}`, { taskId: task.subTaskId, mainTaskId, state: task.state, credits: task.credits });
  return task;
}

export function subTaskActivities(deps: ActivityDeps) {
  const backoff = () => deps.rejectionBackoff ?? DEFAULT_REJECTION_BACKOFF;

  return {
    async startEdit(input: StartEditInput): Promise<StartedSubTask> {
      const context = Context.current();
      const workflowId = currentWorkflowId(context.info);
      const payload = requestPayload(workflowId, input.marker);
      if (context.info.attempt > 1) {
        const recordIds: RecordIds = (sub) => {
          const { storyboards, narration_records, bgm_records } = sub.data_records;
          if (input.kind === 'narration') return narration_records.map((r) => r.id);
          if (input.kind === 'bgm') return bgm_records.map((r) => r.id);
          return storyboards.find((s) => s.storyboard_id === input.storyboardIndex)?.records.map((r) => r.id) ?? [];
        };
        const found = await findEarlierRecord(deps, input.mainTaskId, recordIds, input.knownRecordIds, payload);
        if (found) return started(deps, context, 'edit', found, input.mainTaskId);
      }
      try {
        const edited = await retryDefinitiveRejections(
          () =>
            deps.vidu.edit({
              ad_one_click_task_id: input.mainTaskId,
              type: EDIT_TYPES[input.kind],
              storyboard_video_index: input.kind === 'video' ? input.storyboardIndex : undefined,
              prompt: input.prompt,
              callback_url: callbackUrlFor(deps.callbackPublicUrl, workflowId),
              payload,
            }),
          isDefinitiveRejection,
          backoff(),
        );
        return started(deps, context, 'edit', { subTaskId: edited.sub_task_id, state: edited.state, credits: edited.credits, recovered: false }, input.mainTaskId);
      } catch (err) {
        throw subTaskFailure(err, 'edit', context.info.attempt);
      }
    },

    async startCompose(input: StartComposeInput): Promise<StartedSubTask> {
      const context = Context.current();
      const workflowId = currentWorkflowId(context.info);
      const payload = requestPayload(workflowId, input.marker);
      if (context.info.attempt > 1) {
        const recordIds: RecordIds = (sub) => sub.data_records.completed_creation_records.map((r) => r.id);
        const found = await findEarlierRecord(deps, input.mainTaskId, recordIds, input.knownComposeIds, payload);
        if (found) return started(deps, context, 'compose', found, input.mainTaskId);
      }
      try {
        const composed = await retryDefinitiveRejections(
          () =>
            deps.vidu.compose(
              {
                ad_one_click_task_id: input.mainTaskId,
                video_task_ids: input.selection.videoTaskIds,
                narration_task_id: input.selection.narrationTaskId,
                bgm_task_id: input.selection.bgmTaskId,
                callback_url: callbackUrlFor(deps.callbackPublicUrl, workflowId),
                payload,
              },
              { storyboardCount: input.storyboardCount },
            ),
          isDefinitiveRejection,
          backoff(),
        );
        return started(deps, context, 'compose', { subTaskId: composed.compose_sub_task_id, state: composed.state, credits: composed.credits, recovered: false }, input.mainTaskId);
      } catch (err) {
        throw subTaskFailure(err, 'compose', context.info.attempt);
      }
    },
  };
}
