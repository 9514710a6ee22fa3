// Where the tier's workers keep uploaded images and final videos: one store
// both worker processes share, handed to them as environment variables.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface ArtifactBackend {
  kind: 'local';
  /** What the workers' environment needs to reach the store. */
  workerEnv: Record<string, string>;
  describe: string;
  stop(): Promise<void>;
}

/** A folder both workers share (they run on the same machine). */
export async function localArtifacts(scratchDir: string): Promise<ArtifactBackend> {
  const dir = path.join(scratchDir, 'artifacts');
  await mkdir(dir, { recursive: true });
  return { kind: 'local', workerEnv: { ARTIFACT_DIR: dir }, describe: `local folder ${dir}`, stop: async () => undefined };
}
