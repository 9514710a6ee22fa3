// Where the tier's workers keep uploaded images, takes and final videos: one
// store both worker processes share, handed to them as environment variables.
// The tier's default is the S3 store on a real S3-compatible server (the
// Versity S3 Gateway on a loopback port, src/artifacts/versityGateway.ts), as
// several workers on several machines would share a bucket;
// CLUSTER_ARTIFACTS=local uses a folder both workers see instead.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { startVersityGateway } from '../../src/artifacts/versityGateway';

export type ArtifactKind = 's3' | 'local';

export interface ArtifactBackend {
  kind: ArtifactKind;
  /** What the workers' environment needs to reach the store. */
  workerEnv: Record<string, string>;
  describe: string;
  /** The size of a saved file (a result's `video.path` or `cover.path`) as the store holds it; undefined when it is not there. */
  sizeOf(savedPath: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

const sizeOnDisk = (file: string) => stat(file).then((s) => s.size, () => undefined);

export function artifactKind(text = process.env.CLUSTER_ARTIFACTS): ArtifactKind {
  if (text === undefined || text === '' || text === 's3') return 's3';
  if (text === 'local') return 'local';
  throw new Error(`CLUSTER_ARTIFACTS must be s3 or local (got "${text}")`);
}

/** A folder both workers share (they run on the same machine). */
async function localArtifacts(scratchDir: string): Promise<ArtifactBackend> {
  const dir = path.join(scratchDir, 'artifacts');
  await mkdir(dir, { recursive: true });
  return {
    kind: 'local',
    workerEnv: { ARTIFACT_DIR: dir },
    describe: `local folder ${dir}`,
    sizeOf: async (savedPath) => (savedPath.startsWith(dir + path.sep) ? sizeOnDisk(savedPath) : undefined),
    stop: async () => undefined,
  };
}

/** A bucket on versitygw, its objects kept under the scratch folder. */
async function s3Artifacts(scratchDir: string): Promise<ArtifactBackend> {
  const root = path.join(scratchDir, 's3');
  const gateway = await startVersityGateway({ dir: root, bucket: 'cluster-tier' });
  const prefix = `s3://${gateway.bucket}/`;
  return {
    kind: 's3',
    workerEnv: {
      ARTIFACT_STORE: `s3://${gateway.bucket}/ads`,
      AWS_ENDPOINT_URL_S3: gateway.endpoint,
      AWS_REGION: gateway.region,
      AWS_ACCESS_KEY_ID: gateway.accessKeyId,
      AWS_SECRET_ACCESS_KEY: gateway.secretAccessKey,
    },
    describe: `S3 bucket ${gateway.bucket} on versitygw at ${gateway.endpoint}`,
    // versitygw's POSIX backend keeps each object as the file <root>/<bucket>/<key>: what the workers wrote is read back from there.
    sizeOf: async (savedPath) => (savedPath.startsWith(prefix) ? sizeOnDisk(path.join(root, gateway.bucket, savedPath.slice(prefix.length))) : undefined),
    stop: () => gateway.stop(),
  };
}

export function startArtifacts(kind: ArtifactKind, scratchDir: string): Promise<ArtifactBackend> {
  return kind === 's3' ? s3Artifacts(scratchDir) : localArtifacts(scratchDir);
}
