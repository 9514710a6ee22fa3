// The rules an edit request must meet, shared by the `edit` update's
// validator (which rejects before anything reaches history), the
// `requestEdit` signal and the edits given in the workflow input. Plain checks,
// no schema library: this runs inside the workflow sandbox.
import { editPromptProblem, isObject, TAKE_ID_MAX_CHARS } from '../shared/inputRules';
import type { EditKind, EditRequestInput } from './contract';

const KINDS: readonly EditKind[] = ['video', 'narration', 'bgm'];

export interface EditContext {
  /** Why edits are not accepted now (wrong stage, already approved); undefined when they are. */
  closedBecause?: string;
  storyboardCount: number;
  editsUsed: number;
  maxEdits: number;
}

function storyboardIndexProblem(kind: EditKind, index: unknown, storyboardCount: number): string | undefined {
  if (kind !== 'video') return undefined;
  if (index === undefined || index === null) return 'storyboardIndex: is required when kind is "video"';
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= storyboardCount) {
    return `storyboardIndex: must be a whole number from 0 to ${storyboardCount - 1} (got ${JSON.stringify(index)})`;
  }
  return undefined;
}

/** The first rule the request breaks, as "field: rule"; undefined when it may proceed. */
export function editRequestProblem(request: unknown, context: EditContext): string | undefined {
  if (context.closedBecause) return `stage: ${context.closedBecause}`;
  if (!isObject(request)) return 'request: must be an object with kind, prompt and (for video) storyboardIndex';
  const kind = request.kind as EditKind;
  if (!KINDS.includes(kind)) return `kind: must be one of ${KINDS.join(', ')} (got ${JSON.stringify(request.kind)})`;
  const indexProblem = storyboardIndexProblem(kind, request.storyboardIndex, context.storyboardCount);
  if (indexProblem) return indexProblem;
  const promptProblem = editPromptProblem(request.prompt);
  if (promptProblem) return `prompt: ${promptProblem}`;
  if (context.editsUsed >= context.maxEdits) return `edits: this ad may have at most ${context.maxEdits} edits, all used`;
  return undefined;
}

/** The request reduced to what the workflow keeps (no storyboard index outside video edits). */
export function normaliseEdit(request: EditRequestInput): EditRequestInput {
  return request.kind === 'video'
    ? { kind: 'video', storyboardIndex: request.storyboardIndex, prompt: request.prompt }
    : { kind: request.kind, prompt: request.prompt };
}

export function selectTakeProblem(request: unknown, storyboardCount: number): string | undefined {
  if (!isObject(request)) return 'request: must be an object with kind, takeId and (for video) storyboardIndex';
  const kind = request.kind as EditKind;
  if (!KINDS.includes(kind)) return `kind: must be one of ${KINDS.join(', ')} (got ${JSON.stringify(request.kind)})`;
  const indexProblem = storyboardIndexProblem(kind, request.storyboardIndex, storyboardCount);
  if (indexProblem) return indexProblem;
  if (typeof request.takeId !== 'string' || request.takeId === '') return 'takeId: must be a take id';
  if (request.takeId.length > TAKE_ID_MAX_CHARS) return `takeId: must be at most ${TAKE_ID_MAX_CHARS} characters`;
  return undefined;
}
