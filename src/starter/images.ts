// Turns the images of an ad request into what the workflow may carry: URLs
// pass through, while inline images (data: URIs and local files) are put in
// the artifact store and replaced by `stored:` references, because base64
// would blow Temporal's payload limit and bloat every replay of the history.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { imagePathFor, STORED_REF_PREFIX } from '../artifacts/storeParts';
import { readImageHeader } from '../vidu/imageHeader';
import type { InputIssue } from './errors';
import { imageRefProblem } from '../workflows/shared/inputRules';

/** The part of the artifact store the starter needs (LocalArtifactStore has it). */
export interface ImageStore {
  /** Stores the bytes and answers a `stored:...` reference. */
  putImage(bytes: Buffer, contentType: string): Promise<string>;
  readImageAsDataUri(ref: string): Promise<string>;
}

export interface LoadedImage {
  /** What the Vidu validator checks: the URL, or the image as a data URI. */
  forValidation: string;
  /** Set for inline images, which are stored before the start. */
  inline?: { bytes: Buffer; contentType: string };
  /** Set for URLs and existing references, which go to the workflow as they are. */
  asIs?: string;
}

const DATA_URI = /^data:(image\/[a-z]+);base64,(.*)$/s;
const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

async function loadLocalFile(spec: string, baseDir: string): Promise<{ image?: LoadedImage; problem?: string }> {
  const file = spec.startsWith('file:') ? fileURLToPath(spec) : path.resolve(baseDir, spec);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { problem: `file ${spec} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  const header = readImageHeader(bytes);
  if (!header.ok) return { problem: `file ${spec} is not a png, jpeg or webp image (${header.reason})` };
  const contentType = CONTENT_TYPES[header.format];
  return { image: { forValidation: `data:${contentType};base64,${bytes.toString('base64')}`, inline: { bytes, contentType } } };
}

export interface LoadImagesOptions {
  store: ImageStore;
  /** Accept local file paths (and file: URLs); for command lines, not for services taking requests from others. */
  allowLocalFiles: boolean;
  baseDir?: string;
}

/**
 * Reads every image into a form the validator can check; nothing is stored yet.
 * `images` has one entry per input image, undefined where an issue was found.
 */
export async function loadImages(images: unknown[], options: LoadImagesOptions): Promise<{ images: Array<LoadedImage | undefined>; issues: InputIssue[] }> {
  const loaded: Array<LoadedImage | undefined> = [];
  const issues: InputIssue[] = [];
  for (const [i, image] of images.entries()) {
    const field = `images[${i}]`;
    loaded[i] = undefined;
    if (typeof image !== 'string') {
      issues.push({ field, rule: 'must be a text: an http(s) URL, a data: URI or a stored: reference' });
      continue;
    }
    if (isHttpUrl(image)) {
      // The workflow's own rule: an image URL is bounded like a notifyUrl (it is copied into every continue-as-new).
      const problem = imageRefProblem(image);
      if (problem) issues.push({ field, rule: problem });
      else loaded[i] = { forValidation: image, asIs: image };
    } else if (image.startsWith('data:')) {
      const match = DATA_URI.exec(image);
      const contentType = match?.[1] === 'image/jpg' ? 'image/jpeg' : match?.[1];
      // A malformed URI is still handed to the validator, which says precisely what is wrong.
      loaded[i] = { forValidation: image, inline: match ? { bytes: Buffer.from(match[2]!, 'base64'), contentType: contentType! } : undefined };
    } else if (image.startsWith('stored:')) {
      try {
        loaded[i] = { forValidation: await options.store.readImageAsDataUri(image), asIs: image };
      } catch (err) {
        issues.push({ field, rule: `stored image ${image} cannot be read (${(err as Error).message})` });
      }
    } else if (options.allowLocalFiles) {
      const { image: file, problem } = await loadLocalFile(image, options.baseDir ?? process.cwd());
      if (file) loaded[i] = file;
      else issues.push({ field, rule: problem! });
    } else {
      issues.push({ field, rule: 'must be an http(s) URL, a data:image/...;base64 URI or a stored: reference' });
    }
  }
  return { images: loaded, issues };
}

/**
 * The list the workflow will get, without storing anything: an inline image's
 * reference is named by its content (the stores are content-addressed), so a
 * request's rules can be checked before a refused request stores a byte.
 */
export function plannedRefs(images: readonly LoadedImage[]): string[] {
  return images.map((image) => image.asIs ?? `${STORED_REF_PREFIX}${imagePathFor(image.inline!.bytes, image.inline!.contentType)}`);
}

/** Stores the inline images; answers the list the workflow gets (URLs and `stored:` references only). */
export async function storeImages(images: readonly LoadedImage[], store: ImageStore): Promise<string[]> {
  const refs: string[] = [];
  for (const image of images) refs.push(image.asIs ?? (await store.putImage(image.inline!.bytes, image.inline!.contentType)));
  return refs;
}
