// Where the artifacts are: a local folder (ARTIFACT_DIR) or an S3 bucket
// (ARTIFACT_STORE=s3://bucket/prefix with the AWS_* settings).
import { ConfigError, type Env, type Problems } from './errors';
import { flag, httpUrl, text } from './readers';

/** Where an S3 artifact store is and how to reach it (src/artifacts/s3ArtifactStore.ts). */
export interface S3StoreSettings {
  bucket: string;
  /** Key prefix without leading or trailing "/"; empty for the bucket's root. */
  prefix: string;
  /** An S3-compatible server's URL; undefined for AWS S3 itself. */
  endpoint?: string;
  region: string;
  /** Undefined: the AWS SDK's default chain (shared config files, instance or task roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** `https://host/bucket/key` rather than `https://bucket.host/key`: what most S3-compatible servers need. */
  forcePathStyle: boolean;
}

export type ArtifactStoreConfig = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3StoreSettings);

// S3's bucket naming rules (general purpose buckets); prefix segments keep to the characters S3 calls safe in keys.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_SEGMENT_PATTERN = /^[\w.!*'()-]+$/;
const REGION_PATTERN = /^[a-z0-9-]{1,64}$/;

/** `s3://bucket[/prefix]` as bucket and prefix (no leading or trailing "/"). */
function s3Location(raw: string): { bucket: string; prefix: string } {
  const rest = raw.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET_PATTERN.test(bucket) || bucket.includes('..')) {
    throw new ConfigError('ARTIFACT_STORE', `the bucket must be 3-63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit (got "${bucket}")`);
  }
  if (prefix !== '' && !prefix.split('/').every((segment) => KEY_SEGMENT_PATTERN.test(segment) && segment !== '.' && segment !== '..')) {
    throw new ConfigError('ARTIFACT_STORE', `the prefix must be "/"-separated names of letters, digits and . _ - ! * ' ( ), without empty, "." or ".." parts (got "${prefix}")`);
  }
  return { bucket, prefix };
}

/**
 * The local folder unless ARTIFACT_STORE is `s3://bucket/prefix`; then the
 * bucket's endpoint, region and credentials come from the standard AWS
 * variables, read (and checked) only then.
 */
export function artifactStore(env: Env, problems: Problems, artifactDir: string): ArtifactStoreConfig {
  const raw = text(env, 'ARTIFACT_STORE');
  if (raw === undefined) return { kind: 'local', dir: artifactDir };
  const read = problems.read.bind(problems);
  const location = read(undefined, () => {
    if (!raw.startsWith('s3://')) {
      throw new ConfigError('ARTIFACT_STORE', `must be s3://<bucket>[/<prefix>] for an S3-compatible bucket, or unset for the local folder ARTIFACT_DIR (got "${raw}")`);
    }
    return s3Location(raw);
  });
  const endpoint = read(undefined, () => httpUrl(env, 'AWS_ENDPOINT_URL_S3') ?? httpUrl(env, 'AWS_ENDPOINT_URL'));
  const region = read('us-east-1', () => {
    const value = text(env, 'AWS_REGION') ?? text(env, 'AWS_DEFAULT_REGION') ?? 'us-east-1';
    if (!REGION_PATTERN.test(value)) throw new ConfigError('AWS_REGION', `must be a region name of lowercase letters, digits and "-", e.g. eu-west-1 (got "${value}")`);
    return value;
  });
  const accessKeyId = text(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = text(env, 'AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const [missing, present] = accessKeyId === undefined ? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] : ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'];
    problems.add(new ConfigError(missing, `is missing: ${present} is set, and the two go together (or leave both unset for the AWS SDK's default credentials)`));
  }
  const sessionToken = text(env, 'AWS_SESSION_TOKEN');
  // S3-compatible servers on a custom endpoint rarely have bucket subdomains; AWS itself wants virtual-hosted style.
  const forcePathStyle = read(endpoint !== undefined, () => (text(env, 'AWS_S3_FORCE_PATH_STYLE') === undefined ? endpoint !== undefined : flag(env, 'AWS_S3_FORCE_PATH_STYLE')));
  if (!location) return { kind: 'local', dir: artifactDir };
  return {
    kind: 's3',
    ...location,
    ...(endpoint ? { endpoint } : {}),
    region,
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    forcePathStyle,
  };
}
