// The artifact store as a local folder (ARTIFACT_DIR): one machine's disk, or
// a volume the worker and the API share. Writes go to a temporary file first
// and are renamed into place, so a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mime } from '@fastify/send';
import {
  artifactPathSegments,
  type ArtifactInfo,
  type ByteRange,
  imagePathFor,
  isStoredRef,
  MeasuringTransform,
  type MediaBody,
  normaliseContentType,
  parseImageRef,
  STORED_REF_PREFIX,
} from './storeParts';
import type { ArtifactStore, SavedFile } from './artifactStore';

/** The content type of a file by its extension, as the media route declares it. */
export function contentTypeOf(relativePath: string): string {
  return mime.getType(relativePath) ?? 'application/octet-stream';
}

export class LocalArtifactStore implements ArtifactStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  get location(): string {
    return this.rootDir;
  }

  isStoredRef(value: string): boolean {
    return isStoredRef(value);
  }

  async putImage(bytes: Buffer, contentType: string): Promise<string> {
    const relativePath = imagePathFor(bytes, contentType);
    const target = this.resolve(relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    await this.writeAtomically(target, async (file) => {
      await pipeline([bytes], createWriteStream(file));
    });
    return `${STORED_REF_PREFIX}${relativePath}`;
  }

  async readImageAsDataUri(ref: string): Promise<string> {
    const { relativePath, contentType } = parseImageRef(ref);
    const bytes = await readFile(this.resolve(relativePath));
    return `data:${contentType};base64,${bytes.toString('base64')}`;
  }

  async saveMedia(relativePath: string, body: MediaBody, contentType: string, options: { maxBytes?: number } = {}): Promise<SavedFile> {
    const target = this.resolve(relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    const measure = new MeasuringTransform(options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    await this.writeAtomically(target, async (file) => {
      await pipeline(body, measure, createWriteStream(file));
    });
    return {
      path: target,
      key: artifactPathSegments(relativePath).join('/'),
      bytes: measure.bytes,
      contentType: normaliseContentType(contentType),
      sha256: measure.hash.digest('hex'),
    };
  }

  async stat(relativePath: string): Promise<ArtifactInfo | undefined> {
    const found = await stat(this.resolve(relativePath)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (!found?.isFile()) return undefined;
    // Size and modification time identify a version: files are only ever replaced whole, by rename.
    const etag = `W/"${found.size.toString(16)}-${found.mtimeMs.toString(16)}"`;
    return { bytes: found.size, contentType: contentTypeOf(relativePath), etag, lastModified: found.mtime };
  }

  async read(relativePath: string, range?: ByteRange): Promise<Readable> {
    const file = this.resolve(relativePath);
    const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
    // Opened before it is handed on, so a missing file is an error here rather than mid-response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  /** Absolute path of a file inside the store; refuses anything that would leave the root. */
  resolve(relativePath: string): string {
    return path.join(this.rootDir, ...artifactPathSegments(relativePath));
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
