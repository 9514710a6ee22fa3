// Streams one Vidu media URL into the artifact store, heartbeating as bytes
// arrive. Shared by the final video's save and the takes' saves; the file's
// extension follows the content type the media host declares.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { ArtifactTooLargeError, type SavedFile } from '../artifacts/artifactStore';
import { OutboundAddressError } from '../notify/outboundGuard';
import { ViduApiError } from '../vidu/errors';
import { downloadMedia } from '../vidu/viduClient';
import type { ActivityDeps } from './deps';
import { heartbeatingBody, whileHeartbeating } from './heartbeat';
import { readFailure } from './viduFailures';

export const DEFAULT_MAX_MEDIA_BYTES = 2 * 1024 ** 3;
const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
};

export function extensionFor(contentType: string, fallback: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? fallback;
}

/** A Vidu id made safe as a file name. */
export function safeName(text: string): string {
  return text.replace(/[^\w.-]/g, '_');
}

/**
 * Downloads `url` to `<baseName>.<ext>` in the artifact store. Failures come
 * out as activity failures: too large is final, so is a host that is not
 * global unicast (MediaHostRefused), an expired URL (MediaUnavailable)
 * is retryable since the next attempt asks Vidu for a fresh one.
 */
export async function downloadToStore(deps: ActivityDeps, url: string, baseName: string, fallbackExt: string): Promise<SavedFile> {
  const { cancellationSignal: signal } = Context.current();
  const maxBytes = deps.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  try {
    const media = await whileHeartbeating(
      downloadMedia(url, {
        signal,
        maxBytes,
        timeoutMs: deps.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
        allowPrivateHosts: deps.mediaAllowPrivateHosts ?? false,
        // The simulator (and any Vidu API reached on a private address) serves its media from its own origin.
        trustedOrigins: deps.vidu?.origin ? [deps.vidu.origin] : [],
      }),
    );
    const path = `${baseName}.${extensionFor(media.contentType, fallbackExt)}`;
    const stored = await deps.artifacts.saveMedia(path, heartbeatingBody(media.body), media.contentType, { maxBytes });
    deps.metrics?.mediaDownloaded(stored.bytes);
    return stored;
  } catch (err) {
    deps.metrics?.mediaDownloadFailed();
    // Not global unicast: where the URL points will not change on a retry.
    if (err instanceof OutboundAddressError) throw ApplicationFailure.create({ type: 'MediaHostRefused', message: err.message, nonRetryable: true });
    if (err instanceof ArtifactTooLargeError) throw ApplicationFailure.create({ type: 'MediaTooLarge', message: err.message, nonRetryable: true });
    if (err instanceof ViduApiError && err.code === 'MediaUnavailable') throw ApplicationFailure.retryable(err.message, 'MediaUnavailable');
    throw readFailure(err);
  }
}
