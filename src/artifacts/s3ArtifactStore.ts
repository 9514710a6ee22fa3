// The artifact store as an S3-compatible bucket (ARTIFACT_STORE=s3://bucket/prefix):
// one store shared by every worker and API instance, on any machine. Media
// streams in through multipart uploads (@aws-sdk/lib-storage), so at most a
// few parts are ever in memory whatever the file's size; an object appears
// only when its upload completes, and a failed or oversized upload is aborted
// so that no parts are left behind. Files are objects under `<prefix>/`.
import { GetObjectCommand, HeadObjectCommand, NotFound, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
import type { S3StoreSettings } from '../config/artifactSettings';
import type { ArtifactStore, SavedFile } from './artifactStore';

export type { S3StoreSettings };

/** Where the bucket is and how to sign in to it (ARTIFACT_STORE and the standard AWS_* variables). */
/** Parts of a multipart upload: 5 MiB is S3's smallest; two in flight bound the memory one save takes. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export function s3ClientFor(settings: S3StoreSettings): S3Client {
  const config: S3ClientConfig = {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
  return new S3Client(config);
}

function isMissing(err: unknown): boolean {
  if (err instanceof NotFound || err instanceof NoSuchKey) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 404;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;

  constructor(
    readonly client: S3Client,
    bucket: string,
    prefix = '',
  ) {
    this.bucket = bucket;
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
  }

  static fromSettings(settings: S3StoreSettings): S3ArtifactStore {
    return new S3ArtifactStore(s3ClientFor(settings), settings.bucket, settings.prefix);
  }

  get location(): string {
    return `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  isStoredRef(value: string): boolean {
    return isStoredRef(value);
  }

  async putImage(bytes: Buffer, contentType: string): Promise<string> {
    const relativePath = imagePathFor(bytes, contentType);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.keyFor(relativePath), Body: bytes, ContentType: normaliseContentType(contentType) }),
    );
    return `${STORED_REF_PREFIX}${relativePath}`;
  }

  async readImageAsDataUri(ref: string): Promise<string> {
    const { relativePath, contentType } = parseImageRef(ref);
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyFor(relativePath) }));
    const bytes = await object.Body!.transformToByteArray();
    return `data:${contentType};base64,${Buffer.from(bytes).toString('base64')}`;
  }

  async saveMedia(relativePath: string, body: MediaBody, contentType: string, options: { maxBytes?: number } = {}): Promise<SavedFile> {
    const key = this.keyFor(relativePath);
    const measure = new MeasuringTransform(options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: measure, ContentType: normaliseContentType(contentType) },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const feeding = pipeline(body, measure);
    const uploading = upload.done();
    try {
      await Promise.all([feeding, uploading]);
    } catch (err) {
      // Whichever side failed, the other stops: a broken source ends the upload, which
      // then aborts its multipart upload (no parts left behind) before it settles.
      measure.destroy();
      const [source, target] = await Promise.allSettled([feeding, uploading]);
      if (source.status === 'rejected') throw source.reason;
      throw target.status === 'rejected' ? target.reason : err;
    }
    return {
      path: `s3://${this.bucket}/${key}`,
      key: artifactPathSegments(relativePath).join('/'),
      bytes: measure.bytes,
      contentType: normaliseContentType(contentType),
      sha256: measure.hash.digest('hex'),
    };
  }

  async stat(relativePath: string): Promise<ArtifactInfo | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyFor(relativePath) }));
      return {
        bytes: head.ContentLength ?? 0,
        contentType: head.ContentType ?? 'application/octet-stream',
        etag: head.ETag ?? `"${head.ContentLength ?? 0}"`,
        lastModified: head.LastModified ?? new Date(0),
      };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async read(relativePath: string, range?: ByteRange): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.keyFor(relativePath), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
    );
    // In Node the SDK's body is the HTTP response stream itself.
    return object.Body as Readable;
  }

  /** The object key of a path inside the store; refuses anything that would leave the prefix. */
  keyFor(relativePath: string): string {
    const inside = artifactPathSegments(relativePath).join('/');
    return this.prefix ? `${this.prefix}/${inside}` : inside;
  }
}
