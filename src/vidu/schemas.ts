// Response schemas: strict about the fields this project acts on (ids, states,
// storyboard numbers), lenient about the rest. Unknown fields are kept, null or
// missing optional strings become '' and arrays [], numbers sent as numeric
// strings are accepted, and any state string is accepted (an unknown state
// means "not finished yet"). Ids must be strings: an id that arrives as a JSON
// number may already have lost digits, and must not be used silently.
import { z } from 'zod';
import type {
  AdSubRecords,
  ComposeParams,
  ComposeResponse,
  CreateAdResponse,
  CreditsResponse,
  EditResponse,
  SubRecord,
  TaskCreations,
} from './apiTypes';
import { fieldPath, type ValidationIssue } from './errors';

const text = z
  .string({ error: 'must be a string' })
  .nullish()
  .transform((v) => v ?? '');

const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)], { error: 'must be a number' });
const count = numeric.nullish().transform((v) => v ?? 0);

function list<T extends z.ZodType>(item: T) {
  return z
    .array(item, { error: 'must be an array' })
    .nullish()
    .transform((v): z.output<T>[] => v ?? []);
}

const id = z.string({ error: 'must be a string id' }).min(1, 'must be a non-empty id');
const state = z.string({ error: 'must be a state string' });
const storyboardNumber = numeric.pipe(z.number().int('must be an integer').min(0, 'must be 0 or more'));

export const createAdResponseSchema: z.ZodType<CreateAdResponse> = z.looseObject({
  task_id: id,
  state: text,
  images: list(z.string()),
  prompt: text,
  duration: count,
  aspect_ratio: text,
  language: text,
  credits: count,
});

const creationSchema = z.looseObject({
  id: text,
  url: z.string({ error: 'must be a string' }),
  cover_url: text,
  watermarked_url: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});

export const taskCreationsSchema: z.ZodType<TaskCreations> = z.looseObject({
  id: text,
  state,
  err_code: text,
  credits: count,
  payload: text,
  progress: count,
  creations: list(creationSchema),
});

export const subRecordSchema: z.ZodType<SubRecord> = z.looseObject({
  id,
  type: text,
  prompt: text,
  creation_url: text,
  state,
  err_code: text,
});

// Vidu spells it `stroyboard_id`; the correct spelling is accepted too, and the result says `storyboard_id`.
const storyboardSchema = z
  .looseObject({
    stroyboard_id: storyboardNumber.optional(),
    storyboard_id: storyboardNumber.optional(),
    records: list(subRecordSchema),
  })
  .transform((raw, ctx) => {
    const { stroyboard_id: misspelt, storyboard_id: spelt, ...rest } = raw;
    const storyboardId = spelt ?? misspelt;
    if (storyboardId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stroyboard_id'], message: 'is required (as stroyboard_id or storyboard_id)' });
      return z.NEVER;
    }
    return { ...rest, storyboard_id: storyboardId, records: raw.records };
  });

const emptyParams: ComposeParams = { video_task_ids: [], bgm_task_id: '', narration_task_id: '' };

const composeParamsSchema = z
  .looseObject({
    video_task_ids: list(z.string({ error: 'must be a string id' })),
    bgm_task_id: text,
    narration_task_id: text,
  })
  .nullish()
  .transform((v) => v ?? { ...emptyParams });

const composedRecordSchema = z.looseObject({
  id,
  state,
  err_code: text,
  creation_url: text,
  params: composeParamsSchema,
});

const emptyDataRecords = (): AdSubRecords['data_records'] => ({
  storyboards: [],
  narration_records: [],
  bgm_records: [],
  completed_creation_records: [],
});

export const adSubRecordsSchema: z.ZodType<AdSubRecords> = z.looseObject({
  id: text,
  state,
  err_code: text,
  // Absent or null while the main task is still generating.
  data_records: z
    .looseObject({
      storyboards: list(storyboardSchema),
      narration_records: list(subRecordSchema),
      bgm_records: list(subRecordSchema),
      completed_creation_records: list(composedRecordSchema),
    })
    .nullish()
    .transform((v) => v ?? emptyDataRecords()),
});

export const editResponseSchema: z.ZodType<EditResponse> = z.looseObject({
  ad_one_click_task_id: text,
  sub_task_id: id,
  state: text,
  err_code: text,
  credits: count,
});

export const composeResponseSchema: z.ZodType<ComposeResponse> = z.looseObject({
  ad_one_click_task_id: text,
  compose_sub_task_id: id,
  state: text,
  credits: count,
});

export const creditsResponseSchema: z.ZodType<CreditsResponse> = z.looseObject({
  remains: list(z.looseObject({ type: text, credit_remain: count })),
  concurrency_limit: count,
  current_concurrency: count,
  queue_count: count,
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Parses a decoded JSON body; the issues name each offending field with its path. */
export function parseResponseBody<T>(schema: z.ZodType<T>, body: unknown): ParseResult<T> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.map((issue) => ({ field: fieldPath(issue.path, '(body)'), rule: issue.message })) };
}
