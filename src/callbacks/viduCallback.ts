// Vidu's callbacks, end to end but for the signature (./signature.ts): the
// callback URL Vidu is given, and what a verified callback becomes, the signal
// its workflow gets, with the one set of rules both the receiver and the
// workflow apply to it.
//
// The URL carries the workflow id (and, for a create, the attempt's marker) in
// its query, which Vidu's signature covers: the receiver knows which workflow
// to signal, and a forger cannot redirect a callback or claim another
// attempt's task.
//
// Vidu does not sign the body, so the receiver reads it only after the headers
// have been verified, and keeps only what the workflow acts on: the task id,
// its state, progress and error code, plus the create attempt marker from the
// signed query and the nonce. Everything else in the body (creations, media
// URLs, credits, payload) is dropped, so none of it can reach workflow
// history. Kept strings are letters, digits, "_", "." and "-": enough for
// Vidu's task ids, states and error codes, and no room for a URL. The workflow
// checks a signal by the same rules (checkCallbackSignal), since anyone with
// access to Temporal can send one.
//
// Pure functions that never throw (but callbackUrlFor, given a bad setting):
// any input gives a signal or a reason naming the field and the rule it breaks.
// Safe in workflow code: no I/O, no Node-only API in the workflow's path.

/**
 * A Vidu callback that the receiver verified, reduced to what the workflow
 * needs: no media URL from a callback body ever enters history. The body is
 * not signed, so its fields are hints, confirmed with the query API.
 */
export interface ViduCallbackSignal {
  taskId: string;
  state?: string;
  progress?: number;
  errCode?: string;
  /** The create attempt marker from the callback URL's signed query (create callbacks only). */
  createAttempt?: string;
  /** The callback's x-request-nonce: the workflow ignores a nonce it has seen (replays across receiver copies). */
  nonce: string;
}

/** Query parameters of the callback URL (both are covered by Vidu's signature). */
export const CALLBACK_QUERY = { workflowId: 'workflowId', createAttempt: 'createAttempt' } as const;

/** The callback URL Vidu gets for a task of `workflowId`; undefined when callbacks are off. */
export function callbackUrlFor(callbackPublicUrl: string | undefined, workflowId: string, createAttempt?: string): string | undefined {
  if (!callbackPublicUrl) return undefined;
  const url = new URL(callbackPublicUrl);
  url.searchParams.set(CALLBACK_QUERY.workflowId, workflowId);
  if (createAttempt) url.searchParams.set(CALLBACK_QUERY.createAttempt, createAttempt);
  return url.toString();
}

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

function jsonObject(body: string): Checked<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
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

/** The fields of a signal, named as the sender spelled them; the two required ones already checked. */
interface SignalFields {
  taskId: Checked<string>;
  nonce: Checked<string>;
  state: { name: string; value: unknown };
  progress: unknown;
  errCode: { name: string; value: unknown };
  createAttempt: { name: string; value: unknown };
}

function signalOf(fields: SignalFields): CallbackSignalResult {
  if (!fields.nonce.ok) return fields.nonce;
  const createAttempt = optionalText(fields.createAttempt.name, fields.createAttempt.value, RULES.createAttempt);
  if (!createAttempt.ok) return createAttempt;
  if (!fields.taskId.ok) return fields.taskId;
  const state = optionalText(fields.state.name, fields.state.value, RULES.state);
  if (!state.ok) return state;
  const progress = optionalProgress(fields.progress);
  if (!progress.ok) return progress;
  const errCode = optionalText(fields.errCode.name, fields.errCode.value, RULES.errCode);
  if (!errCode.ok) return errCode;

  // Built key by key so an absent field is absent, not `undefined`: the payload stays compact.
  const signal: ViduCallbackSignal = { taskId: fields.taskId.value, nonce: fields.nonce.value };
  if (state.value !== undefined) signal.state = state.value;
  if (progress.value !== undefined) signal.progress = progress.value;
  if (errCode.value !== undefined) signal.errCode = errCode.value;
  if (createAttempt.value !== undefined) signal.createAttempt = createAttempt.value;
  return { ok: true, signal };
}

/**
 * The signal for a verified callback (the receiver): `body` is the raw request
 * body as text, `query` the callback URL's signed query, `nonce` its verified
 * x-request-nonce.
 */
export function callbackSignalFrom(body: string, query: URLSearchParams, nonce: string): CallbackSignalResult {
  // The nonce first: a bad one is refused before the body is parsed.
  const checkedNonce = requiredText('nonce (x-request-nonce)', nonce, RULES.nonce);
  if (!checkedNonce.ok) return checkedNonce;
  const parsed = jsonObject(body);
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  return signalOf({
    taskId: taskIdOf(fields),
    nonce: checkedNonce,
    state: { name: 'state', value: field(fields, 'state') },
    progress: field(fields, 'progress'),
    errCode: { name: 'err_code', value: field(fields, 'err_code') },
    createAttempt: { name: `query parameter ${CALLBACK_QUERY.createAttempt}`, value: query.get(CALLBACK_QUERY.createAttempt) },
  });
}

/**
 * A `viduCallback` signal as the workflow receives it, checked by the same
 * rules: the receiver's signals pass unchanged; anything else (a direct
 * Temporal client's) is refused with the field and the rule.
 */
export function checkCallbackSignal(raw: unknown): CallbackSignalResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, detail: 'the signal must be an object { taskId, nonce, ... }' };
  const signal = raw as Record<string, unknown>;
  return signalOf({
    taskId: requiredText('taskId', field(signal, 'taskId'), RULES.taskId),
    nonce: requiredText('nonce', field(signal, 'nonce'), RULES.nonce),
    state: { name: 'state', value: field(signal, 'state') },
    progress: field(signal, 'progress'),
    errCode: { name: 'errCode', value: field(signal, 'errCode') },
    createAttempt: { name: 'createAttempt', value: field(signal, 'createAttempt') },
  });
}
