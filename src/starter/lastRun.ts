// What `retryAd` needs to know about an ad's latest run, read from Temporal
// alone: its description and its history. The status query would say more,
// but on a closed workflow it needs a worker to replay the run, and a retry
// must work while the workers are down (often the reason the ad failed).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type LoadedDataConverter, type WorkflowSerializationContext } from '@temporalio/common';
// The client's own decoding helpers: they run the payload codecs before the converters, as the client does for results.
import { decodeFromPayloadsAtIndex, decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import { AD_STAGE, VIDU_TASK_ID } from '../workflows/ad/searchAttributes';
import { workflowIdForAd, type AdFilmInput } from '../workflows/ad/contract';
import { AdNotFoundError } from './errors';

/** The failure a run ended with: the first ApplicationFailure in its cause chain, which carries the ad's failure type. */
export interface RunFailure {
  type?: string;
  message: string;
  details: unknown[];
}

/** What a run's history says: its input, how it ended, and what it published along the way. */
export interface RunHistoryFacts {
  input: AdFilmInput;
  failure?: RunFailure;
  /** Every AdStage value the run published (start attributes, then each upsert), in order. */
  stagesReached: string[];
  /** The last ViduTaskId value the run published: the ad's main Vidu task. */
  viduTaskId?: string;
}

export interface LastRunDescription {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, ... */
  status: string;
  taskQueue: string;
  /** The AdStage search attribute as the run left it. */
  stage?: string;
  /** The ViduTaskId search attribute as the run left it. */
  viduTaskId?: string;
}

type History = temporal.api.history.v1.IHistory;
type IndexedFields = Record<string, temporal.api.common.v1.IPayload> | null | undefined;

/**
 * Search attribute values are plain JSON payloads whatever the data converter:
 * the server has to read them to index them, so codecs never touch them.
 */
function keyword(fields: IndexedFields, name: string): string | undefined {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : undefined;
}

function firstApplicationFailure(err: Error | undefined): RunFailure | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure) return { type: e.type ?? undefined, message: e.message, details: [...(e.details ?? [])] };
  }
  return err ? { message: err.message, details: [] } : undefined;
}

/** Reads the input, the end and the published stages out of one run's history, decoding with the client's data converter. */
export async function runHistoryFacts(history: History, converter: LoadedDataConverter, context?: WorkflowSerializationContext): Promise<RunHistoryFacts> {
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error('the run history does not begin with its start event');
  const input = await decodeFromPayloadsAtIndex<AdFilmInput>(converter, 0, started.input?.payloads, context);
  const stagesReached: string[] = [];
  let viduTaskId: string | undefined;
  let failure: RunFailure | undefined;
  const publish = (fields: IndexedFields) => {
    const stage = keyword(fields, AD_STAGE.name);
    if (stage !== undefined) stagesReached.push(stage);
    viduTaskId = keyword(fields, VIDU_TASK_ID.name) ?? viduTaskId;
  };
  // A run that continued as new starts with the attributes its predecessor had published.
  publish(started.searchAttributes?.indexedFields);
  for (const event of events) {
    const upserted = event.upsertWorkflowSearchAttributesEventAttributes;
    if (upserted) publish(upserted.searchAttributes?.indexedFields);
    const failed = event.workflowExecutionFailedEventAttributes;
    if (failed) failure = firstApplicationFailure(await decodeOptionalFailureToOptionalError(converter, failed.failure, context));
  }
  return { input, failure, stagesReached, viduTaskId };
}

/** The ad's latest run (after any continue-as-new), as Temporal describes it. Throws AdNotFoundError when there is none. */
export async function describeLastRun(client: Client, adId: string): Promise<LastRunDescription> {
  const workflowId = workflowIdForAd(adId);
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return {
      workflowId,
      runId: description.runId,
      status: description.status.name,
      taskQueue: description.taskQueue,
      stage: description.typedSearchAttributes.get(AD_STAGE),
      viduTaskId: description.typedSearchAttributes.get(VIDU_TASK_ID),
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new AdNotFoundError(adId);
    throw err;
  }
}

/** What that run was given and how it ended, from its history (the run id pins it, even if another run starts meanwhile). */
export async function readLastRunHistory(client: Client, run: LastRunDescription): Promise<RunHistoryFacts> {
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  const context: WorkflowSerializationContext = { type: 'workflow', namespace: client.options.namespace, workflowId: run.workflowId };
  const facts = await runHistoryFacts(history, client.options.loadedDataConverter, context);
  return { ...facts, viduTaskId: facts.viduTaskId ?? run.viduTaskId };
}
