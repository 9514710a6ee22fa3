// POST /v1/ads as multipart/form-data (a browser form or `curl -F`): the
// parts become the same object a JSON request carries, so one schema
// validates both. Uploaded images become data: URIs, which the starter puts in
// the artifact store (base64 never enters workflow history).
import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { readImageHeader } from '../vidu/imageHeader';
import { VIDU_LIMITS } from '../vidu/requestValidation';
import { BOUNDED_FIELDS } from '../starter/adRequest';
import { ApiError, badRequest } from './errors';

/**
 * Largest uploaded image. Vidu takes images inside a JSON body of at most
 * 20 MB, where base64 makes 3 bytes into 4: a larger file could never be sent.
 */
export const IMAGE_UPLOAD_MAX_BYTES = Math.floor((VIDU_LIMITS.maxBodyBytes * 3) / 4);
/** Review defaults for a form that only says review=true. */
export const FORM_REVIEW_DEFAULTS = { windowMs: 24 * 3_600_000, onTimeout: 'compose-selected' } as const;

const TEXT_FIELDS = new Set(['adId', 'prompt', 'aspectRatio', 'language', 'notifyUrl']);
const NUMBER_FIELDS = new Set<string>(['duration', 'maxEdits', 'maxCredits', ...BOUNDED_FIELDS]);
const JSON_FIELDS = new Set(['edits', 'polling']);
const FORM_ONLY_FIELDS = new Set(['review', 'reviewWindowMs', 'reviewOnTimeout']);

export const MULTIPART_LIMITS = {
  fileSize: IMAGE_UPLOAD_MAX_BYTES,
  files: VIDU_LIMITS.maxImages,
  fields: 30,
  fieldSize: 64 * 1024,
  parts: 40,
} as const;

/** A whole number stays a number; anything else stays text, for the schema to name. */
function numberOrText(value: string): number | string {
  return /^-?\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value;
}

function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(name, 'must be JSON text in a multipart request');
  }
}

function limitError(err: unknown, imageIndex: number): ApiError | undefined {
  const code = (err as { code?: string }).code;
  const mb = (IMAGE_UPLOAD_MAX_BYTES / 1_000_000).toFixed(0);
  // A text part declared application/json that is not JSON (@fastify/multipart says 406, but it is the request that is wrong).
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') return badRequest('(form)', 'a part sent as application/json must hold JSON text');
  if (code === 'FST_REQ_FILE_TOO_LARGE') return badRequest(`images[${imageIndex}]`, `must be at most ${mb} MB`);
  if (code === 'FST_FILES_LIMIT') return badRequest('images', `must hold at most ${VIDU_LIMITS.maxImages} images`);
  if (code === 'FST_FIELDS_LIMIT') return badRequest('(form)', `has too many text fields (at most ${MULTIPART_LIMITS.fields})`);
  if (code === 'FST_PARTS_LIMIT') return badRequest('(form)', `has too many parts (at most ${MULTIPART_LIMITS.parts} text fields and files together)`);
  // @fastify/multipart refuses names such as constructor or toString before the part reaches us.
  if (code === 'FST_PROTO_VIOLATION') return badRequest('(form)', 'has a field named like a property of every object (constructor, toString, __proto__, ...), which is not a field of an ad request');
  // The form parser's own complaints (no boundary, a cut-off form, a broken part header) carry no status: the body is at fault.
  const message = err instanceof Error ? err.message : '';
  if (code === undefined && /^(Multipart: |Unexpected end of form|Malformed part header|Malformed urlencoded form)/.test(message)) {
    return badRequest('(form)', `is not a readable multipart/form-data body (${message})`);
  }
  return undefined;
}

async function imageFromFile(part: Multipart & { type: 'file' }, field: string, uploaded: { bytes: number }): Promise<string> {
  const bytes = await part.toBuffer();
  uploaded.bytes += bytes.length;
  // Checked as the files arrive, so a form of seven large files is refused at the file that breaks the budget.
  if (uploaded.bytes > IMAGE_UPLOAD_MAX_BYTES) throw badRequest(field, `brings the images over ${(IMAGE_UPLOAD_MAX_BYTES / 1_000_000).toFixed(0)} MB together (Vidu takes them in a 20 MB body, as base64)`);
  if (bytes.length === 0) throw badRequest(field, 'the uploaded file is empty');
  const header = readImageHeader(bytes);
  if (!header.ok) throw badRequest(field, `must be a png, jpeg or webp image (${header.reason})`);
  return `data:image/${header.format};base64,${bytes.toString('base64')}`;
}

/** Reads the form into the JSON shape of an ad request; throws a 400 naming the field. */
export async function readMultipartAd(request: FastifyRequest): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const images: string[] = [];
  const form: Record<string, string> = {};
  const uploaded = { bytes: 0 };
  try {
    for await (const part of request.parts({ limits: MULTIPART_LIMITS })) {
      const name = part.fieldname;
      if (name === 'images') {
        images.push(part.type === 'file' ? await imageFromFile(part, `images[${images.length}]`, uploaded) : String(part.value));
        continue;
      }
      if (part.type === 'file') {
        await part.toBuffer(); // drained, so the form can be read on
        throw badRequest(name, 'only images may be uploaded as files');
      }
      if (part.valueTruncated) throw badRequest(name, `must be at most ${MULTIPART_LIMITS.fieldSize} bytes`);
      // A text part sent as application/json (how OpenAPI clients send an object field) arrives parsed already.
      if (JSON_FIELDS.has(name) || name === 'review') {
        if (part.value !== null && typeof part.value === 'object') {
          if (Object.hasOwn(form, name) || Object.hasOwn(body, name)) throw badRequest(name, 'is given more than once');
          body[name] = part.value;
          continue;
        }
      }
      const value = String(part.value);
      // Own keys only: `in` would also find 'constructor', 'toString' or '__proto__' on every object.
      if (Object.hasOwn(form, name) || Object.hasOwn(body, name)) throw badRequest(name, 'is given more than once');
      if (FORM_ONLY_FIELDS.has(name)) form[name] = value;
      else if (NUMBER_FIELDS.has(name)) body[name] = numberOrText(value);
      else if (TEXT_FIELDS.has(name)) body[name] = value;
      else if (JSON_FIELDS.has(name)) body[name] = parseJsonField(name, value);
      else throw badRequest(name, 'is not a field of an ad request');
    }
  } catch (err) {
    throw limitError(err, images.length) ?? err;
  }
  if (images.length > 0) body.images = images;
  if (form.review !== undefined) {
    if (form.review !== 'true' && form.review !== 'false') throw badRequest('review', 'must be "true" or "false" in a multipart request');
    body.review = {
      enabled: form.review === 'true',
      windowMs: form.reviewWindowMs !== undefined ? numberOrText(form.reviewWindowMs) : FORM_REVIEW_DEFAULTS.windowMs,
      onTimeout: form.reviewOnTimeout ?? FORM_REVIEW_DEFAULTS.onTimeout,
    };
  } else if (form.reviewWindowMs !== undefined || form.reviewOnTimeout !== undefined) {
    throw badRequest('review', 'must be "true" when reviewWindowMs or reviewOnTimeout is given');
  }
  return body;
}
