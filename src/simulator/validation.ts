// Request bodies checked with the documented rules, answering Vidu's 400 codes:
// FieldLacking (missing), FieldInvalid (bad value), FieldItemCountOutOfRange,
// FieldUnwanted (payload on create), ImageFormatInvalid (data URI not an image).
// The limits and the image header reader are the client's own, so that the
// simulator and the client cannot drift apart on what Vidu accepts.
import type { AspectRatio, EditType, Language } from '../vidu/apiTypes';
import { readImageHeader, type ImageFormat } from '../vidu/imageHeader';
import { VIDU_LIMITS } from '../vidu/requestValidation';
import { charCount } from './charCount';
import { ApiError, badRequest, fieldInvalid, fieldLacking } from './errors';

const ASPECT_RATIOS: readonly AspectRatio[] = ['16:9', '9:16', '1:1'];
const LANGUAGES: readonly Language[] = ['zh', 'en'];
const EDIT_TYPES: readonly EditType[] = ['generate_video', 'generate_narration', 'generate_bgm'];
/** Declared data-URI type -> the format its bytes must have. */
const IMAGE_TYPES: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/webp': 'webp',
};
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface CreateInput {
  images: string[];
  prompt: string;
  duration: number;
  aspectRatio: AspectRatio;
  language: Language;
  callbackUrl?: string;
}

export interface EditInput {
  adId: string;
  type: EditType;
  storyboardIndex?: number;
  prompt: string;
  payload: string;
  callbackUrl?: string;
}

export interface ComposeInput {
  adId: string;
  videoTaskIds: string[];
  bgmTaskId: string;
  narrationTaskId: string;
  payload: string;
  callbackUrl?: string;
}

type Body = Record<string, unknown>;

function asObject(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  return body as Body;
}

function has(body: Body, field: string): boolean {
  return body[field] !== undefined && body[field] !== null;
}

function requiredString(body: Body, field: string): string {
  if (!has(body, field)) throw fieldLacking(field);
  const value = body[field];
  if (typeof value !== 'string') throw fieldInvalid(field, 'must be a string');
  if (value.trim() === '') throw fieldInvalid(field, 'must not be empty');
  return value;
}

function limitLength(field: string, value: string, maxLength: number): string {
  const length = charCount(value);
  if (length > maxLength) throw fieldInvalid(field, `must be at most ${maxLength} characters (got ${length})`);
  return value;
}

function optionalString(body: Body, field: string, maxLength: number): string | undefined {
  if (!has(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'string') throw fieldInvalid(field, 'must be a string');
  return limitLength(field, value, maxLength);
}

function oneOf<T extends string>(body: Body, field: string, allowed: readonly T[], fallback: T): T {
  if (!has(body, field)) return fallback;
  const value = body[field];
  if (!allowed.includes(value as T)) throw fieldInvalid(field, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

function httpUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fieldInvalid(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fieldInvalid(field, 'must be an http(s) URL');
  return value;
}

function callbackUrl(body: Body): string | undefined {
  const value = optionalString(body, 'callback_url', 4096);
  return value === undefined || value === '' ? undefined : httpUrl('callback_url', value);
}

const imageFormatInvalid = (field: string, why: string) => new ApiError(400, 'ImageFormatInvalid', `${field} ${why}`);

/** Bytes that base64 text decodes to, from its length alone (nothing is decoded). */
function decodedSize(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/**
 * A data URI must hold a png, jpeg or webp image whose bytes match its declared
 * type, within the size and aspect-ratio rules. URL images are accepted as they
 * are: Vidu only finds out about them when it downloads them.
 */
function checkImage(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw fieldInvalid(field, 'must be a public URL or a base64 data URI');
  if (!value.startsWith('data:')) return httpUrl(field, value);
  const comma = value.indexOf(',');
  const header = value.slice(5, comma < 0 ? undefined : comma).toLowerCase();
  const [mime = '', ...params] = header.split(';');
  const declared = IMAGE_TYPES[mime];
  if (declared === undefined) throw imageFormatInvalid(field, `is a data URI of type "${mime}"; accepted: png, jpeg, jpg, webp`);
  const data = comma < 0 ? '' : value.slice(comma + 1);
  if (!params.includes('base64') || !BASE64.test(data)) throw imageFormatInvalid(field, 'must carry base64 data, e.g. data:image/png;base64,...');
  const size = decodedSize(data);
  if (size > VIDU_LIMITS.maxImageBytes) {
    throw fieldInvalid(field, `must be at most ${VIDU_LIMITS.maxImageBytes} bytes (50 MB) once decoded (got ${size})`);
  }
  const image = readImageHeader(Buffer.from(data, 'base64'));
  if (!image.ok) throw imageFormatInvalid(field, `is not a readable png, jpeg or webp image: ${image.reason}`);
  if (image.format !== declared) throw imageFormatInvalid(field, `is declared ${mime} but holds a ${image.format} image`);
  const ratio = Math.max(image.width, image.height) / Math.min(image.width, image.height);
  if (ratio > VIDU_LIMITS.maxImageSideRatio) {
    throw fieldInvalid(field, `must have an aspect ratio between 1:4 and 4:1 (got ${image.width}x${image.height})`);
  }
  return value;
}

export function parseCreate(raw: unknown): CreateInput {
  const body = asObject(raw);
  if (body.payload !== undefined) throw new ApiError(400, 'FieldUnwanted', 'payload is not accepted when creating an ad');
  if (!has(body, 'images')) throw fieldLacking('images');
  if (!Array.isArray(body.images)) throw fieldInvalid('images', 'must be an array of image URLs or data URIs');
  const count = body.images.length;
  if (count < VIDU_LIMITS.minImages || count > VIDU_LIMITS.maxImages) {
    const range = `${VIDU_LIMITS.minImages} to ${VIDU_LIMITS.maxImages}`;
    throw new ApiError(400, 'FieldItemCountOutOfRange', `images must hold ${range} items (got ${count})`);
  }
  const images = body.images.map((image, i) => checkImage(`images[${i}]`, image));
  let duration = 15;
  if (has(body, 'duration')) {
    const value = body.duration;
    const { minDuration, maxDuration } = VIDU_LIMITS;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minDuration || value > maxDuration) {
      throw fieldInvalid('duration', `must be an integer from ${minDuration} to ${maxDuration} (got ${JSON.stringify(value)})`);
    }
    duration = value;
  }
  return {
    images,
    prompt: optionalString(body, 'prompt', VIDU_LIMITS.maxPromptChars) ?? '',
    duration,
    aspectRatio: oneOf(body, 'aspect_ratio', ASPECT_RATIOS, '16:9'),
    language: oneOf(body, 'language', LANGUAGES, 'zh'),
    callbackUrl: callbackUrl(body),
  };
}

export function parseEdit(raw: unknown): EditInput {
  const body = asObject(raw);
  const adId = requiredString(body, 'ad_one_click_task_id');
  if (!has(body, 'type')) throw fieldLacking('type');
  const type = oneOf(body, 'type', EDIT_TYPES, 'generate_video');
  let storyboardIndex: number | undefined;
  if (type === 'generate_video') {
    if (!has(body, 'storyboard_video_index')) throw fieldLacking('storyboard_video_index');
    const value = body.storyboard_video_index;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw fieldInvalid('storyboard_video_index', `must be an integer from 0 (got ${JSON.stringify(value)})`);
    }
    storyboardIndex = value;
  }
  return {
    adId,
    type,
    storyboardIndex,
    prompt: limitLength('prompt', requiredString(body, 'prompt'), VIDU_LIMITS.maxPromptChars),
    payload: optionalString(body, 'payload', VIDU_LIMITS.maxPayloadChars) ?? '',
    callbackUrl: callbackUrl(body),
  };
}

export function parseCompose(raw: unknown): ComposeInput {
  const body = asObject(raw);
  const adId = requiredString(body, 'ad_one_click_task_id');
  if (!has(body, 'video_task_ids')) throw fieldLacking('video_task_ids');
  const ids = body.video_task_ids;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id === '')) {
    throw fieldInvalid('video_task_ids', 'must be an array of task id strings');
  }
  return {
    adId,
    videoTaskIds: ids as string[],
    bgmTaskId: requiredString(body, 'bgm_task_id'),
    narrationTaskId: requiredString(body, 'narration_task_id'),
    payload: optionalString(body, 'payload', VIDU_LIMITS.maxPayloadChars) ?? '',
    callbackUrl: callbackUrl(body),
  };
}
