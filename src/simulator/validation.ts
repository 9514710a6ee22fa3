// Request bodies checked with the documented rules, answering Vidu's 400 codes:
// FieldLacking (missing), FieldInvalid (bad value), FieldItemCountOutOfRange,
// FieldUnwanted (payload on create), ImageFormatInvalid (data URI not an image).
import type { AspectRatio, EditType, Language } from '../vidu/apiTypes';
import { ApiError, badRequest, fieldInvalid, fieldLacking } from './errors';

const ASPECT_RATIOS: readonly AspectRatio[] = ['16:9', '9:16', '1:1'];
const LANGUAGES: readonly Language[] = ['zh', 'en'];
const EDIT_TYPES: readonly EditType[] = ['generate_video', 'generate_narration', 'generate_bgm'];
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/jpg', 'image/webp'];
const MAX_IMAGES = 7;
const MAX_PROMPT = 2000;
const MAX_PAYLOAD = 1_048_576;
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

function optionalString(body: Body, field: string, maxLength: number): string | undefined {
  if (!has(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'string') throw fieldInvalid(field, 'must be a string');
  if (value.length > maxLength) throw fieldInvalid(field, `must be at most ${maxLength} characters (got ${value.length})`);
  return value;
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

function checkImage(field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw fieldInvalid(field, 'must be a public URL or a base64 data URI');
  if (!value.startsWith('data:')) return httpUrl(field, value);
  const comma = value.indexOf(',');
  const header = value.slice(5, comma < 0 ? undefined : comma).toLowerCase();
  const [mime = '', ...params] = header.split(';');
  if (!IMAGE_TYPES.includes(mime)) {
    throw new ApiError(400, 'ImageFormatInvalid', `${field} is a data URI of type "${mime}"; accepted: png, jpeg, jpg, webp`);
  }
  const data = comma < 0 ? '' : value.slice(comma + 1);
  if (!params.includes('base64') || !BASE64.test(data)) {
    throw new ApiError(400, 'ImageFormatInvalid', `${field} must carry base64 data, e.g. data:image/png;base64,...`);
  }
  return value;
}

export function parseCreate(raw: unknown): CreateInput {
  const body = asObject(raw);
  if (body.payload !== undefined) throw new ApiError(400, 'FieldUnwanted', 'payload is not accepted when creating an ad');
  if (!has(body, 'images')) throw fieldLacking('images');
  if (!Array.isArray(body.images)) throw fieldInvalid('images', 'must be an array of image URLs or data URIs');
  const count = body.images.length;
  if (count < 1 || count > MAX_IMAGES) {
    throw new ApiError(400, 'FieldItemCountOutOfRange', `images must hold 1 to ${MAX_IMAGES} items (got ${count})`);
  }
  const images = body.images.map((image, i) => checkImage(`images[${i}]`, image));
  let duration = 15;
  if (has(body, 'duration')) {
    const value = body.duration;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 10 || value > 60) {
      throw fieldInvalid('duration', `must be an integer from 10 to 60 (got ${JSON.stringify(value)})`);
    }
    duration = value;
  }
  return {
    images,
    prompt: optionalString(body, 'prompt', MAX_PROMPT) ?? '',
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
    prompt: requiredString(body, 'prompt'),
    payload: optionalString(body, 'payload', MAX_PAYLOAD) ?? '',
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
    payload: optionalString(body, 'payload', MAX_PAYLOAD) ?? '',
    callbackUrl: callbackUrl(body),
  };
}
