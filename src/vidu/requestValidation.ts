// Checks every documented rule of the create, edit and compose requests
// before anything is sent: a request Vidu would reject costs a round trip at
// best, and a create that Vidu accepts but cannot use costs credits. Each
// failure names the field and the rule it broke.
import { isIP } from 'node:net';
import { z } from 'zod';
import { classifyAddress } from '../notify/outboundGuard';
import type { ComposeRequest, CreateAdRequest, EditRequest } from './apiTypes';
import { ViduValidationError, fieldPath, type ValidationIssue } from './errors';
import { readImageHeader } from './imageHeader';
import { jsonBody } from './jsonBody';

// Vidu writes "MB" without saying which; the decimal reading is the stricter one.
export const VIDU_LIMITS = {
  minImages: 1,
  maxImages: 7,
  maxImageBytes: 50_000_000,
  maxBodyBytes: 20_000_000,
  maxPromptChars: 2000,
  minDuration: 10,
  maxDuration: 60,
  /** Longest side over shortest side: 4 allows 1:4 through 4:1. */
  maxImageSideRatio: 4,
  maxPayloadChars: 1_048_576,
} as const;

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;
export const LANGUAGES = ['zh', 'en'] as const;
export const EDIT_TYPES = ['generate_video', 'generate_narration', 'generate_bgm'] as const;

export const RULES = {
  images: `must be an array of ${VIDU_LIMITS.minImages}-${VIDU_LIMITS.maxImages} images`,
  image: 'must be a public http(s) URL or a data:image/(png|jpeg|jpg|webp);base64 URI',
  /** Followed by "(<host> is a private or loopback address)". */
  publicImageUrl: 'must be a public http(s) URL',
  base64: 'base64 data must be standard, padded base64 (A-Z a-z 0-9 + / and = padding)',
  imageBytes: `decoded image must be at most ${VIDU_LIMITS.maxImageBytes / 1_000_000} MB`,
  imageRatio: 'aspect ratio must be between 1:4 and 4:1',
  body: `JSON request body must be at most ${VIDU_LIMITS.maxBodyBytes / 1_000_000} MB`,
  prompt: `must be a string of at most ${VIDU_LIMITS.maxPromptChars} characters`,
  editPrompt: `is required: a non-empty string of at most ${VIDU_LIMITS.maxPromptChars} characters`,
  duration: `must be an integer from ${VIDU_LIMITS.minDuration} to ${VIDU_LIMITS.maxDuration}`,
  aspectRatio: `must be one of ${ASPECT_RATIOS.join(', ')}`,
  language: `must be one of ${LANGUAGES.join(', ')}`,
  callbackUrl: 'must be an absolute http(s) URL',
  createPayload: 'is not accepted on create (only edit and compose carry a payload)',
  payload: `must be a string of at most ${VIDU_LIMITS.maxPayloadChars} characters`,
  taskId: 'must be a non-empty string',
  editType: `must be one of ${EDIT_TYPES.join(', ')}`,
  storyboardIndexRequired: 'is required for type generate_video: a non-negative integer',
  storyboardIndexUnwanted: 'only for type generate_video (narration and bgm apply to the whole ad)',
  videoTaskIds: 'must be a non-empty array of task ids',
  request: 'must be an object',
} as const;

const DATA_URI = /^data:image\/(png|jpeg|jpg|webp);base64,(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Characters as people count them (code points), not UTF-16 units. */
function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function isHttpUrl(value: string): boolean {
  if (value !== value.trim()) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Whether an http(s) URL's host can never be reached from Vidu's servers, which
 * download URL images: a `localhost` name, or an address literal that is not
 * global unicast (private, loopback, link-local, carrier-grade NAT, reserved,
 * documentation, IPv6 forms carrying such an IPv4 address...). The ranges are
 * ipaddr.js's, through the classifier the worker's own outbound requests use.
 * Such a URL is refused here rather than by Vidu after a round trip. Hostnames
 * are not resolved (that would make validation slow and racy). The URL parser
 * has already normalised shorthand IPv4 forms (127.1, 0x7f.1, 2130706433).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(address) === 0) return false;
  return !classifyAddress(address).globalUnicast;
}

/** The rule an http(s) image URL breaks, if any. */
function urlImageProblem(value: string): string | undefined {
  if (!isHttpUrl(value)) return RULES.image;
  const { hostname } = new URL(value);
  if (isPrivateHost(hostname)) {
    return `${RULES.publicImageUrl} (${hostname} is a private or loopback address)`;
  }
  return undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Enough base64 for any header but a JPEG's behind a large EXIF block (then the whole image is decoded). */
const HEADER_BASE64_CHARS = 256 * 1024;

/** The image's header, read from the start of the data when that holds it: decoding a whole image to read a few bytes cost a copy of it. */
function imageHeaderOf(base64: string): ReturnType<typeof readImageHeader> {
  if (base64.length > HEADER_BASE64_CHARS) {
    const header = readImageHeader(Buffer.from(base64.slice(0, HEADER_BASE64_CHARS), 'base64'));
    if (header.ok) return header;
  }
  return readImageHeader(Buffer.from(base64, 'base64'));
}

/** Checks a data-URI image; URL images can only be checked by Vidu once it downloads them. */
function dataUriProblem(value: string): string | undefined {
  const match = DATA_URI.exec(value);
  if (!match) return RULES.image;
  const declared = match[1] === 'jpg' ? 'jpeg' : match[1]!;
  const base64 = match[2]!;
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) return RULES.base64;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const decodedBytes = (base64.length / 4) * 3 - padding;
  if (decodedBytes > VIDU_LIMITS.maxImageBytes) return `${RULES.imageBytes} (got ${megabytes(decodedBytes)})`;
  const header = imageHeaderOf(base64);
  if (!header.ok) return `image header could not be read: ${header.reason}`;
  if (header.format !== declared) return `declared image/${match[1]} but the data is a ${header.format} image`;
  const ratio = Math.max(header.width, header.height) / Math.min(header.width, header.height);
  if (ratio > VIDU_LIMITS.maxImageSideRatio) return `${RULES.imageRatio} (got ${header.width}x${header.height})`;
  return undefined;
}

const image = z.string({ error: RULES.image }).superRefine((value, ctx) => {
  const problem = value.startsWith('data:') ? dataUriProblem(value) : urlImageProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const httpUrl = (rule: string) => z.string({ error: rule }).refine(isHttpUrl, rule);
const limitedText = (max: number, rule: string) => z.string({ error: rule }).refine((s) => charCount(s) <= max, rule);
const nonEmptyText = (rule: string) => z.string({ error: rule }).refine((s) => s.trim() !== '', rule);

const createAdSchema = z.object(
  {
    images: z.array(image, { error: RULES.images }).min(VIDU_LIMITS.minImages, RULES.images).max(VIDU_LIMITS.maxImages, RULES.images),
    prompt: limitedText(VIDU_LIMITS.maxPromptChars, RULES.prompt).optional(),
    duration: z
      .number({ error: RULES.duration })
      .int(RULES.duration)
      .min(VIDU_LIMITS.minDuration, RULES.duration)
      .max(VIDU_LIMITS.maxDuration, RULES.duration)
      .optional(),
    aspect_ratio: z.enum(ASPECT_RATIOS, { error: RULES.aspectRatio }).optional(),
    language: z.enum(LANGUAGES, { error: RULES.language }).optional(),
    callback_url: httpUrl(RULES.callbackUrl).optional(),
    payload: z.undefined({ error: RULES.createPayload }),
  },
  { error: RULES.request },
);

const payload = limitedText(VIDU_LIMITS.maxPayloadChars, RULES.payload).optional();

const editSchema = z
  .object(
    {
      ad_one_click_task_id: nonEmptyText(RULES.taskId),
      type: z.enum(EDIT_TYPES, { error: RULES.editType }),
      storyboard_video_index: z.unknown().optional(),
      prompt: nonEmptyText(RULES.editPrompt).refine((s) => charCount(s) <= VIDU_LIMITS.maxPromptChars, RULES.editPrompt),
      callback_url: httpUrl(RULES.callbackUrl).optional(),
      payload,
    },
    { error: RULES.request },
  )
  .superRefine((req, ctx) => {
    const index = req.storyboard_video_index;
    const path = ['storyboard_video_index'];
    if (req.type === 'generate_video') {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
        ctx.addIssue({ code: 'custom', path, message: RULES.storyboardIndexRequired });
      }
    } else if (index !== undefined) {
      // The reference lists the index as optional for narration and bgm
      // without saying what it would do there; both apply to the whole ad, so
      // an index is a caller's mistake. A clear error beats Vidu silently
      // ignoring it (or, worse, one day honouring it differently).
      ctx.addIssue({ code: 'custom', path, message: RULES.storyboardIndexUnwanted });
    }
  });

function composeSchema(storyboardCount: number | undefined) {
  return z
    .object(
      {
        ad_one_click_task_id: nonEmptyText(RULES.taskId),
        video_task_ids: z.array(nonEmptyText(RULES.taskId), { error: RULES.videoTaskIds }).min(1, RULES.videoTaskIds),
        bgm_task_id: nonEmptyText(RULES.taskId),
        narration_task_id: nonEmptyText(RULES.taskId),
        callback_url: httpUrl(RULES.callbackUrl).optional(),
        payload,
      },
      { error: RULES.request },
    )
    .superRefine((req, ctx) => {
      if (storyboardCount !== undefined && req.video_task_ids.length !== storyboardCount) {
        ctx.addIssue({
          code: 'custom',
          path: ['video_task_ids'],
          message: `must hold exactly ${storyboardCount} ids, one per storyboard (got ${req.video_task_ids.length})`,
        });
      }
    });
}

function bodyBytes(value: unknown): number {
  try {
    // Measured as sent, without serialising the images into one string (see jsonBody).
    return jsonBody(value).byteLength;
  } catch {
    return 0; // not serialisable: the field checks report what is wrong
  }
}

function check<T>(what: string, schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.error?.issues ?? []) {
    const entry = { field: fieldPath(issue.path), rule: issue.message };
    const key = `${entry.field}\n${entry.rule}`;
    if (!seen.has(key)) issues.push(entry);
    seen.add(key);
  }
  // Measured on what would be sent (unknown fields stripped), or on the input when it did not parse.
  const size = bodyBytes(result.success ? result.data : input);
  if (size > VIDU_LIMITS.maxBodyBytes) issues.push({ field: '(body)', rule: `${RULES.body} (got ${megabytes(size)})` });
  if (issues.length > 0) throw new ViduValidationError(what, issues);
  return result.data!;
}

/** Returns the request as it will be sent (fields Vidu does not define are dropped); throws ViduValidationError. */
export function validateCreateAdRequest(req: unknown): CreateAdRequest {
  const { payload: _none, ...valid } = check('create request', createAdSchema, req);
  return valid;
}

export function validateEditRequest(req: unknown): EditRequest {
  return check('edit request', editSchema, req) as EditRequest;
}

/** `storyboardCount`: the main task's number of storyboards, when known; Vidu wants one video id per storyboard. */
export function validateComposeRequest(req: unknown, opts: { storyboardCount?: number } = {}): ComposeRequest {
  return check('compose request', composeSchema(opts.storyboardCount), req);
}

/** Task ids travel in URL paths; an empty one would address a different endpoint. */
export function validateTaskId(taskId: unknown, field = 'taskId'): string {
  if (typeof taskId !== 'string' || taskId.trim() === '') {
    throw new ViduValidationError('task id', [{ field, rule: RULES.taskId }]);
  }
  return taskId;
}
