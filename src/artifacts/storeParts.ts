// What both artifact stores share: the `stored:` image references, the
// rules for paths inside a store, and the byte counting and hashing of saves.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export const STORED_REF_PREFIX = 'stored:';

/** A body to save: a Node stream, a web ReadableStream or any async iterable of bytes. */
export type MediaBody = AsyncIterable<Uint8Array | string>;

/** What the media route needs to answer for a stored file before reading it. */
export interface ArtifactInfo {
  bytes: number;
  contentType: string;
  /** A validator that changes when the file does (an HTTP ETag, quotes included). */
  etag: string;
  lastModified: Date;
}

/** Bytes `start` to `end` of a file, both included (as HTTP ranges count). */
export interface ByteRange {
  start: number;
  end: number;
}

export class ArtifactTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`artifact is larger than the limit of ${limit} bytes`);
    this.name = 'ArtifactTooLargeError';
  }
}

export function isStoredRef(value: string): boolean {
  return value.startsWith(STORED_REF_PREFIX);
}

export function normaliseContentType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
};
const IMAGE_CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };
const IMAGE_REF = /^stored:images\/([0-9a-f]{64})\.(png|jpg|webp)$/;

/** Where an uploaded image goes (`images/<sha256>.<ext>`), checked the same way by every store. */
export function imagePathFor(bytes: Buffer, contentType: string): string {
  const ext = IMAGE_EXTENSIONS[normaliseContentType(contentType)];
  if (!ext) throw new Error(`contentType: must be image/png, image/jpeg or image/webp (got "${contentType}")`);
  if (bytes.length === 0) throw new Error('bytes: an image cannot be empty');
  return `images/${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
}

/** The stored path and content type behind an image reference; refuses anything else. */
export function parseImageRef(ref: string): { relativePath: string; contentType: string } {
  const match = IMAGE_REF.exec(ref);
  if (!match) throw new Error(`image reference: must look like stored:images/<sha256>.<png|jpg|webp> (got "${ref.slice(0, 100)}")`);
  return { relativePath: ref.slice(STORED_REF_PREFIX.length), contentType: IMAGE_CONTENT_TYPES[match[2]!]! };
}

/**
 * The segments of a path inside the store; refuses anything that could leave
 * it (absolute, empty, "." or ".." segments, backslashes), whatever the store.
 */
export function artifactPathSegments(relativePath: string): string[] {
  const segments = relativePath.split(/[\\/]/);
  if (relativePath.startsWith('/') || /^[A-Za-z]:/.test(relativePath) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`artifact path: must be a relative path without empty, "." or ".." segments (got "${relativePath}")`);
  }
  return segments;
}

/** Counts and hashes the bytes passing through, failing once they exceed `maxBytes`. */
export class MeasuringTransform extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(new ArtifactTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}
