// Turns a verified callback into the signal its workflow gets. Vidu does not
// sign the body, so it is read only after the headers have been verified, and
// only what the workflow acts on is kept: the task id, its state, progress and
// error code, plus the create attempt marker from the (signed) query and the
// nonce. Everything else in the body (creations, media URLs, credits, payload)
// is dropped here, so none of it can reach workflow history. Kept strings are
// limited to letters, digits, "_", "." and "-": enough for Vidu's task ids,
// states and error codes, and no room for a URL.
//
// A pure function that never throws: any input gives a signal or a reason
// naming the field and the rule it breaks.
import { CALLBACK_QUERY, type ViduCallbackSignal } from '../../workflows/ad/contract';

export type CallbackSignalResult = { ok: true; signal: ViduCallbackSignal } | { ok: false; detail: string };

/** Longest value, in characters, the signal keeps of each field. */
export const CALLBACK_FIELD_MAX_CHARS = { taskId: 64, state: 32, errCode: 128, createAttempt: 64, nonce: 128 } as const;

interface TextRule {
  maxChars: number;
  pattern: RegExp;
  /** The pattern in words, for the error detail. */
  allowed: string;
}

const TOKEN = { pattern: /^[A-Za-z0-9_.-]+$/, allowed: 'letters, digits, "_", "." and "-"' };
const RULES = {
  taskId: { maxChars: CALLBACK_FIELD_MAX_CHARS.taskId, ...TOKEN },
  state: { maxChars: CALLBACK_FIELD_MAX_CHARS.state, ...TOKEN },
  errCode: { maxChars: CALLBACK_FIELD_MAX_CHARS.errCode, ...TOKEN },
  nonce: { maxChars: CALLBACK_FIELD_MAX_CHARS.nonce, ...TOKEN },
  createAttempt: { maxChars: CALLBACK_FIELD_MAX_CHARS.createAttempt, pattern: /^[A-Za-z0-9-]+$/, allowed: 'letters, digits and "-"' },
} satisfies Record<string, TextRule>;

type Checked<T> = { ok: true; value: T } | { ok: false; detail: string };

/** An optional text field: absent, null and "" all mean "not given" (Vidu sends err_code "" when there is no error). */
function optionalText(name: string, value: unknown, rule: TextRule): Checked<string | undefined> {
  if (value === undefined || value === null || value === '') return { ok: true, value: undefined };
  if (typeof value !== 'string') return { ok: false, detail: `${name} must be a string` };
  if (value.length > rule.maxChars) return { ok: false, detail: `${name} must be at most ${rule.maxChars} characters` };
  if (!rule.pattern.test(value)) return { ok: false, detail: `${name} may only contain ${rule.allowed}` };
  return { ok: true, value };
}

function requiredText(name: string, value: unknown, rule: TextRule): Checked<string> {
  const checked = optionalText(name, value, rule);
  if (!checked.ok) return checked;
  if (checked.value === undefined) return { ok: false, detail: `${name} must be a non-empty string` };
  return { ok: true, value: checked.value };
}

function optionalProgress(value: unknown): Checked<number | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  // JSON.parse turns a literal like 1e999 into Infinity, so "a number" is not enough.
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, detail: 'progress must be a finite number' };
  return { ok: true, value };
}

function jsonObject(body: Buffer): Checked<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    // Deeply nested input can also end here, as a RangeError from the parser.
    return { ok: false, detail: `body is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, detail: 'body must be a JSON object' };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** A field of the parsed body, own properties only (the body is untrusted; nothing is read from Object.prototype). */
function field(body: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

/** The task the callback is about: `id` (what Vidu sends), else `task_id`. */
function taskIdOf(body: Record<string, unknown>): Checked<string> {
  for (const name of ['id', 'task_id']) {
    const candidate = optionalText(name, field(body, name), RULES.taskId);
    if (!candidate.ok) return candidate;
    if (candidate.value !== undefined) return { ok: true, value: candidate.value };
  }
  return { ok: false, detail: 'body must name its task in id or task_id (a non-empty string)' };
}

/**
 * The signal for a verified callback: `body` is the raw request body, `query`
 * the callback URL's signed query, `nonce` its verified x-request-nonce.
 */
export function callbackSignalFrom(body: Buffer, query: URLSearchParams, nonce: string): CallbackSignalResult {
  const checkedNonce = requiredText('nonce (x-request-nonce)', nonce, RULES.nonce);
  if (!checkedNonce.ok) return checkedNonce;
  const createAttempt = optionalText(`query parameter ${CALLBACK_QUERY.createAttempt}`, query.get(CALLBACK_QUERY.createAttempt), RULES.createAttempt);
  if (!createAttempt.ok) return createAttempt;

  const parsed = jsonObject(body);
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  const taskId = taskIdOf(fields);
  if (!taskId.ok) return taskId;
  const state = optionalText('state', field(fields, 'state'), RULES.state);
  if (!state.ok) return state;
  const progress = optionalProgress(field(fields, 'progress'));
  if (!progress.ok) return progress;
  const errCode = optionalText('err_code', field(fields, 'err_code'), RULES.errCode);
  if (!errCode.ok) return errCode;

  // Built key by key so an absent field is absent, not `undefined`: the payload stays compact.
  const signal: ViduCallbackSignal = { taskId: taskId.value, nonce: checkedNonce.value };
  if (state.value !== undefined) signal.state = state.value;
  if (progress.value !== undefined) signal.progress = progress.value;
  if (errCode.value !== undefined) signal.errCode = errCode.value;
  if (createAttempt.value !== undefined) signal.createAttempt = createAttempt.value;
  return { ok: true, signal };
}
