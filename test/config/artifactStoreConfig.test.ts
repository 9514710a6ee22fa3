// ARTIFACT_STORE and the standard AWS variables: the local folder by
// default, an S3-compatible bucket on request, and every wrong value named
// with its rule, all at once.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { LocalArtifactStore } from '../../src/artifacts/localArtifactStore';
import { artifactStoreFromConfig } from '../../src/artifacts/artifactStoreFromConfig';
import { S3ArtifactStore } from '../../src/artifacts/s3ArtifactStore';
import { ConfigErrors, loadConfig } from '../../src/config';

const S3_ENV = {
  ARTIFACT_STORE: 's3://ad-artifacts/prod/ads/',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:7070/',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret-example',
};

test('without ARTIFACT_STORE the store is the local folder ARTIFACT_DIR, and AWS variables are not read', () => {
  const config = loadConfig({ ARTIFACT_DIR: 'some/where', AWS_REGION: 'NOT A REGION', AWS_ACCESS_KEY_ID: 'alone' });
  assert.deepEqual(config.artifactStore, { kind: 'local', dir: path.resolve('some/where') });
  const store = artifactStoreFromConfig(config);
  assert.ok(store instanceof LocalArtifactStore);
  assert.equal(store.location, path.resolve('some/where'));
  assert.equal(artifactStoreFromConfig(config, { within: 'demo' }).location, path.resolve('some/where/demo'));
});

test('s3://bucket/prefix selects the S3 store, with endpoint, region and credentials from the AWS variables', () => {
  const config = loadConfig(S3_ENV);
  assert.deepEqual(config.artifactStore, {
    kind: 's3',
    bucket: 'ad-artifacts',
    prefix: 'prod/ads',
    endpoint: 'http://127.0.0.1:7070',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret-example' },
    forcePathStyle: true,
  });
  const store = artifactStoreFromConfig(config);
  assert.ok(store instanceof S3ArtifactStore);
  assert.equal(store.location, 's3://ad-artifacts/prod/ads');
  assert.equal(artifactStoreFromConfig(config, { within: 'demo' }).location, 's3://ad-artifacts/prod/ads/demo');
  (store as S3ArtifactStore).client.destroy();
});

test('the S3-specific endpoint wins, path style follows a custom endpoint unless set, and credentials may come from the SDK', () => {
  const specific = loadConfig({ ...S3_ENV, AWS_ENDPOINT_URL_S3: 'https://s3.internal:9000' }).artifactStore;
  assert.equal(specific.kind === 's3' && specific.endpoint, 'https://s3.internal:9000');

  const aws = loadConfig({ ARTIFACT_STORE: 's3://ad-artifacts', AWS_DEFAULT_REGION: 'us-west-2' }).artifactStore;
  assert.equal(aws.kind, 's3');
  if (aws.kind !== 's3') return;
  assert.equal(aws.prefix, '');
  assert.equal(aws.endpoint, undefined);
  assert.equal(aws.region, 'us-west-2');
  assert.equal(aws.credentials, undefined, "the AWS SDK's default chain (profiles, roles) applies");
  assert.equal(aws.forcePathStyle, false, 'AWS S3 itself: virtual-hosted style');

  const virtualHosted = loadConfig({ ...S3_ENV, AWS_S3_FORCE_PATH_STYLE: 'false' }).artifactStore;
  assert.equal(virtualHosted.kind === 's3' && virtualHosted.forcePathStyle, false);
  const session = loadConfig({ ...S3_ENV, AWS_SESSION_TOKEN: 'token' }).artifactStore;
  assert.equal(session.kind === 's3' && session.credentials?.sessionToken, 'token');
});

test('wrong S3 settings are each named with the rule, all in one error', () => {
  let error: unknown;
  try {
    loadConfig({
      ARTIFACT_STORE: 's3://Ad_Artifacts/prod',
      AWS_ENDPOINT_URL_S3: 'localhost:9000',
      AWS_REGION: 'EU West',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_S3_FORCE_PATH_STYLE: 'maybe',
    });
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigErrors, String(error));
  assert.deepEqual(
    error.problems.map((p) => p.setting),
    ['ARTIFACT_STORE', 'AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'AWS_S3_FORCE_PATH_STYLE'],
  );
  assert.match(error.message, /^ARTIFACT_STORE: the bucket must be 3-63 lowercase letters, digits, "\." or "-"/m);
  assert.match(error.message, /^AWS_ENDPOINT_URL_S3: must use http or https/m);
  assert.match(error.message, /^AWS_REGION: must be a region name/m);
  assert.match(error.message, /^AWS_SECRET_ACCESS_KEY: is missing: AWS_ACCESS_KEY_ID is set, and the two go together/m);
  assert.match(error.message, /^AWS_S3_FORCE_PATH_STYLE: must be true or false/m);
});

test('ARTIFACT_STORE must be an s3:// URL with a clean prefix', () => {
  for (const [value, rule] of [
    ['/data/artifacts', /must be s3:\/\/<bucket>\[\/<prefix>\] for an S3-compatible bucket, or unset for the local folder ARTIFACT_DIR/],
    ['gs://bucket/x', /must be s3:\/\//],
    ['s3://', /the bucket must be/],
    ['s3://ab', /the bucket must be/],
    ['s3://bucket..name', /the bucket must be/],
    ['s3://bucket/a/../b', /the prefix must be/],
    ['s3://bucket/a//b', /the prefix must be/],
    ['s3://bucket/a b', /the prefix must be/],
  ] as const) {
    assert.throws(() => loadConfig({ ARTIFACT_STORE: value }), (err: Error) => err.message.startsWith('ARTIFACT_STORE: ') && rule.test(err.message), value);
  }
});
