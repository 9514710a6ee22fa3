// The artifact store: where the project keeps what must outlive Vidu's
// one-hour URLs (final videos, covers, takes) and what must stay out of
// workflow history (uploaded product images, referenced as
// `stored:images/<sha256>.<ext>`). Two kinds share this interface: a local
// folder (LocalArtifactStore) and an S3-compatible bucket (S3ArtifactStore),
// chosen by ARTIFACT_STORE (artifactStoreFromConfig). Both write whole files
// only (a reader never sees half a file) and replace on repeat, so a retried
// activity simply overwrites its own output.
import type { Readable } from 'node:stream';
import type { StoredFile } from '../workflows/ad/contract';
import type { ArtifactInfo, ByteRange, MediaBody } from './storeParts';

export * from './storeParts';

/** A file just saved: a StoredFile that always names its key inside the store. */
export type SavedFile = StoredFile & { key: string };

export interface ArtifactStore {
  /** Where the files are, for logs and messages: a folder, or `s3://bucket/prefix`. */
  readonly location: string;
  isStoredRef(value: string): boolean;
  /**
   * Stores an uploaded image under its own hash, so storing the same image
   * twice is harmless, and returns the reference that travels in workflow input.
   */
  putImage(bytes: Buffer, contentType: string): Promise<string>;
  /** The image behind a `stored:` reference as the data URI Vidu accepts. */
  readImageAsDataUri(ref: string): Promise<string>;
  /**
   * Streams a body to `relativePath` (e.g. `<adId>/takes/<id>.mp4`) without
   * holding it in memory, and answers where it landed with its size and
   * sha256. Over `maxBytes` it fails with ArtifactTooLargeError and keeps nothing.
   */
  saveMedia(relativePath: string, body: MediaBody, contentType: string, options?: { maxBytes?: number }): Promise<SavedFile>;
  /** Size, type and version of a stored file; undefined when there is no such file. */
  stat(relativePath: string): Promise<ArtifactInfo | undefined>;
  /** A stored file's bytes, all of them or one range, as a stream. */
  read(relativePath: string, range?: ByteRange): Promise<Readable>;
}
