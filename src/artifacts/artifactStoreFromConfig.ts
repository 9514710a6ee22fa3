// The one place that turns the configuration into an artifact store, so that
// the worker, the API, the starter and the demo always agree on where files are.
import path from 'node:path';
import type { ArtifactStoreConfig } from '../config';
import type { ArtifactStore } from './artifactStore';
import { LocalArtifactStore } from './localArtifactStore';
import { S3ArtifactStore } from './s3ArtifactStore';

/**
 * The configured store; with `within`, the same store narrowed to that folder
 * (the demo keeps its files apart in `demo/`).
 */
export function artifactStoreFromConfig(config: { artifactStore: ArtifactStoreConfig }, options: { within?: string } = {}): ArtifactStore {
  const store = config.artifactStore;
  const within = options.within;
  if (store.kind === 'local') return new LocalArtifactStore(within ? path.join(store.dir, within) : store.dir);
  return S3ArtifactStore.fromSettings({ ...store, prefix: [store.prefix, within].filter(Boolean).join('/') });
}
