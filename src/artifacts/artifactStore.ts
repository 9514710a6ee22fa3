// The artifact store: a local folder that keeps what must outlive Vidu's
// one-hour URLs (final videos and covers) and what must stay out of workflow
// history (uploaded product images, referenced as `stored:images/<sha256>.<ext>`).
// Writes go to a temporary file first and are renamed into place, so a reader
// never sees half a file and a retried activity simply replaces its own output.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import type { StoredFile } from '../workflows/messages';

export const STORED_REF_PREFIX = 'stored:';

const IMAGE_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
};
const IMAGE_CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };
const IMAGE_REF = /^stored:images\/([0-9a-f]{64})\.(png|jpg|webp)$/;

/** A body to save: a Node stream, a web ReadableStream or any async iterable of bytes. */
export type MediaBody = AsyncIterable<Uint8Array | string>;

export class ArtifactTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`artifact is larger than the limit of ${limit} bytes`);
    this.name = 'ArtifactTooLargeError';
  }
}

export function isStoredRef(value: string): boolean {
  return value.startsWith(STORED_REF_PREFIX);
}

function normaliseContentType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** Counts and hashes the bytes passing through, failing once they exceed `maxBytes`. */
class MeasuringTransform extends Transform {
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

export class LocalArtifactStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  isStoredRef(value: string): boolean {
    return isStoredRef(value);
  }

  /**
   * Stores an uploaded image under its own hash, so storing the same image
   * twice is harmless, and returns the reference that travels in workflow input.
   */
  async putImage(bytes: Buffer, contentType: string): Promise<string> {
    const ext = IMAGE_TYPES[normaliseContentType(contentType)];
    if (!ext) throw new Error(`contentType: must be image/png, image/jpeg or image/webp (got "${contentType}")`);
    if (bytes.length === 0) throw new Error('bytes: an image cannot be empty');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const relativePath = `images/${sha256}.${ext}`;
    const target = this.resolve(relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    await this.writeAtomically(target, async (file) => {
      await pipeline([bytes], createWriteStream(file));
    });
    return `${STORED_REF_PREFIX}${relativePath}`;
  }

  /** The image behind a `stored:` reference as the data URI Vidu accepts. */
  async readImageAsDataUri(ref: string): Promise<string> {
    const match = IMAGE_REF.exec(ref);
    if (!match) throw new Error(`image reference: must look like stored:images/<sha256>.<png|jpg|webp> (got "${ref.slice(0, 100)}")`);
    const bytes = await readFile(this.resolve(ref.slice(STORED_REF_PREFIX.length)));
    return `data:${IMAGE_CONTENT_TYPES[match[2]!]};base64,${bytes.toString('base64')}`;
  }

  /**
   * Streams a body to `relativePath` under the root, through a temporary file
   * renamed into place, and returns where it landed with its size and sha256.
   */
  async saveMedia(relativePath: string, body: MediaBody, contentType: string, options: { maxBytes?: number } = {}): Promise<StoredFile> {
    const target = this.resolve(relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    const measure = new MeasuringTransform(options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    await this.writeAtomically(target, async (file) => {
      await pipeline(body, measure, createWriteStream(file));
    });
    return { path: target, bytes: measure.bytes, contentType: normaliseContentType(contentType), sha256: measure.hash.digest('hex') };
  }

  /** Absolute path of a file inside the store; refuses anything that would leave the root. */
  resolve(relativePath: string): string {
    const segments = relativePath.split(/[\\/]/);
    if (path.isAbsolute(relativePath) || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`artifact path: must be a relative path without empty, "." or ".." segments (got "${relativePath}")`);
    }
    return path.join(this.rootDir, ...segments);
  }

  private async writeAtomically(target: string, write: (tempFile: string) => Promise<void>): Promise<void> {
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await write(temp);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
