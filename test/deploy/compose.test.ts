// docker-compose.yml, read as compose reads it (no Docker engine runs here):
// the services and their pinned images, the start order, health checks, the
// search-attribute job, the settings `docker compose up` refuses to start
// without, ports, the shared artifact volume and the dry-run profile; and what
// must stay private (issue 19): Temporal's gRPC and Web UI, PostgreSQL and the
// simulator on 127.0.0.1 or not published, no password with a default, the dry
// run's token only against the simulator, the receiver's and the API's metrics off their public ports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SearchAttributeType } from '@temporalio/common';
import { ConfigError, DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, DRY_RUN_API_TOKEN, loadConfig } from '../../src/config';
import { GO_TOOLS } from '../../src/tools/goTools';
import { SHUTDOWN_FORCE_MARGIN_MS } from '../../src/worker/adWorker';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { AD_SEARCH_ATTRIBUTES } from '../../src/workflows/ad/searchAttributes';
import { interpolateDocument, MissingVariableError, parseEnvFile } from './composeInterpolation';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[] | string;
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  container_name?: string;
  stop_grace_period?: string;
  expose?: string[];
}

/** A resolved service environment as the service reads it. */
function configOf(environment: Record<string, string | number> | undefined) {
  return loadConfig(Object.fromEntries(Object.entries(environment ?? {}).map(([name, value]) => [name, String(value)])));
}

/** The host address a port mapping publishes on: "" for every interface. */
function publishedOn(mapping: string): string {
  const parts = mapping.split(':');
  return parts.length === 3 ? parts[0]! : '';
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_TEXT = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
// Compose honours YAML merge keys (<<: *app), which YAML 1.2 leaves to the reader.
const compose = parse(COMPOSE_TEXT, { merge: true }) as ComposeFile;
const services = compose.services;
const DRY_RUN_ENV = parseEnvFile(readFileSync(path.join(PROJECT_ROOT, 'deploy', 'dry-run.env'), 'utf8'));
const PRODUCTION_ENV = {
  VIDU_API_KEY: 'a-real-key',
  CALLBACK_PUBLIC_URL: 'https://hooks.example.com/vidu/callback',
  API_TOKENS: 'a-token-of-16-chars-or-more',
  POSTGRES_PASSWORD: 'a-long-random-password',
};
const APP_SERVICES = ['worker', 'receiver', 'api'];

function service(name: string): Service {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has a "${name}" service`);
  return found;
}

function commandText(s: Service): string {
  return [s.entrypoint, s.command].flat().filter((part) => part !== undefined).join(' ');
}

/** A compose duration such as "45s", "1m30s" or "500ms", in milliseconds. */
function durationMs(text: string | undefined): number {
  assert.ok(text, 'a duration is set');
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  assert.equal(parts.map((p) => p[0]).join(''), text, `"${text}" is a compose duration`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}

function hostPort(mapping: string): string {
  const parts = mapping.split(':');
  return parts.length === 3 ? `${parts[0]}:${parts[1]}` : parts[0]!;
}

describe('docker-compose.yml', () => {
  it('has the database, Temporal, its Web UI, the setup jobs, the services and the simulator', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-ui', 'worker', 'receiver', 'api', 'simulator']) service(name);
  });

  it('pins every image to a version (no latest, no bare name)', () => {
    for (const [name, s] of Object.entries(services)) {
      assert.ok(s.image, `${name} names its image`);
      const tag = s.image.split('@')[0]!.split('/').at(-1)!.split(':')[1];
      assert.ok(tag && tag !== 'latest', `${name}: ${s.image} has a version tag`);
      if (!s.build) assert.match(tag, /\d/, `${name}: ${s.image} is pinned to a numbered version`);
    }
    for (const name of APP_SERVICES) assert.equal(service(name).build, '.', `${name} runs the project's image, built from the Dockerfile`);
  });

  it('runs one Temporal server release with its matching admin tools: 1.32.2, the local cluster\'s (1.29.1 has CVE-2025-14986 and CVE-2025-14987)', () => {
    const server = service('temporal').image!;
    assert.match(server, /^temporalio\/server:1\.32\.\d+$/);
    const version = server.split(':')[1]!;
    assert.equal(version, GO_TOOLS.temporalServer.module.split('@v')[1], 'the release the local cluster builds');
    for (const job of ['temporal-schema', 'temporal-setup']) {
      assert.ok(service(job).image!.startsWith(`temporalio/admin-tools:${version}`), `${job} uses admin-tools ${version}`);
    }
    assert.match(service('temporal-ui').image!, /^temporalio\/ui:\d+\.\d+\.\d+$/);
  });

  it('health-checks the database, Temporal, the receiver, the API and the worker', () => {
    for (const name of ['postgresql', 'temporal', 'receiver', 'api', 'worker']) {
      const test = service(name).healthcheck?.test;
      assert.ok(test && ['CMD', 'CMD-SHELL'].includes(test[0]!) && test.length > 1, `${name} has a health check`);
    }
    assert.match(service('postgresql').healthcheck!.test!.join(' '), /pg_isready/);
    for (const name of ['receiver', 'api', 'worker']) {
      assert.deepEqual(service(name).healthcheck!.test!, ['CMD', 'node', 'dist/deploy/healthcheck.js', name], `${name} checks itself as ${name}, with the compiled health check`);
    }
  });

  it('starts in order: database, schema, server, namespace and search attributes, then the services', () => {
    const dependsOn = (name: string, on: string) => service(name).depends_on?.[on]?.condition;
    assert.equal(dependsOn('temporal-schema', 'postgresql'), 'service_healthy');
    assert.equal(dependsOn('temporal', 'temporal-schema'), 'service_completed_successfully');
    assert.equal(dependsOn('temporal-setup', 'temporal'), 'service_healthy');
    assert.equal(dependsOn('temporal-ui', 'temporal'), 'service_healthy');
    for (const name of APP_SERVICES) {
      assert.equal(dependsOn(name, 'temporal'), 'service_healthy', `${name} waits for a healthy Temporal`);
      assert.equal(dependsOn(name, 'temporal-setup'), 'service_completed_successfully', `${name} waits for the search attributes`);
    }
  });

  it('registers every search attribute of the ad workflow as its type, in the setup job', () => {
    const script = commandText(service('temporal-setup'));
    assert.match(script, /temporal operator search-attribute create/);
    assert.match(script, /temporal operator namespace create/);
    for (const key of AD_SEARCH_ATTRIBUTES) {
      assert.equal(key.type, SearchAttributeType.KEYWORD, `${key.name} is a Keyword (the job registers Keywords)`);
      assert.match(script, new RegExp(`\\b${key.name}\\b`), `the setup job registers ${key.name}`);
    }
    assert.match(script, /--type Keyword/);
  });

  it('runs each service with its command and wires it to Temporal in the network', () => {
    for (const name of APP_SERVICES) {
      const s = service(name);
      assert.deepEqual(s.command, [name]);
      assert.equal(s.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
    }
    assert.equal(service('temporal-setup').environment?.TEMPORAL_ADDRESS, 'temporal:7233');
  });

  it('requires VIDU_API_KEY, CALLBACK_PUBLIC_URL and API_TOKENS where they are needed, with a message', () => {
    const required = (name: string, variable: string) =>
      assert.match(String(service(name).environment?.[variable]), new RegExp(`^\\$\\{${variable}:\\?.{10,}\\}$`), `${name}: ${variable} is required with a message`);
    required('worker', 'VIDU_API_KEY');
    required('worker', 'CALLBACK_PUBLIC_URL');
    required('receiver', 'VIDU_API_KEY');
    required('receiver', 'CALLBACK_PUBLIC_URL');
    required('api', 'API_TOKENS');
    for (const missing of Object.keys(PRODUCTION_ENV)) {
      const env = { ...PRODUCTION_ENV, [missing]: '' };
      assert.throws(
        () => interpolateDocument(compose, env),
        (err: unknown) => err instanceof MissingVariableError && err.variable === missing && err.detail.includes(missing),
        `docker compose up without ${missing} stops with a message naming it`,
      );
    }
    const resolved = interpolateDocument(compose, PRODUCTION_ENV);
    assert.equal(resolved.services.worker!.environment!.VIDU_BASE_URL, 'https://api.vidu.com', 'the real Vidu API by default');
  });

  it('passes the versioning settings to the worker: unversioned unless .env names a deployment and a build id', () => {
    const workerConfig = (env: Record<string, string>) => {
      const resolved = interpolateDocument(compose, { ...PRODUCTION_ENV, ...env }).services.worker!.environment!;
      return loadConfig(Object.fromEntries(Object.entries(resolved).map(([name, value]) => [name, String(value)])));
    };
    assert.equal(workerConfig({}).workerDeployment, undefined);
    assert.deepEqual(workerConfig({ WORKER_DEPLOYMENT_NAME: 'vidu-ads', WORKER_BUILD_ID: '1.5.0' }).workerDeployment, {
      deploymentName: 'vidu-ads',
      buildId: '1.5.0',
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
    assert.equal(workerConfig({ WORKER_DEPLOYMENT_NAME: 'vidu-ads', WORKER_BUILD_ID: '1.5.0', WORKER_VERSIONING_BEHAVIOR: 'pinned' }).workerDeployment?.defaultVersioningBehavior, 'PINNED');
  });

  it('gives a stopping worker more time than its shutdown grace time, and passes the tuning settings', () => {
    const workerConfig = (env: Record<string, string>) => {
      const resolved = interpolateDocument(compose, { ...PRODUCTION_ENV, ...env }).services.worker!.environment!;
      return loadConfig(Object.fromEntries(Object.entries(resolved).map(([name, value]) => [name, String(value)]))).workerTuning;
    };
    assert.deepEqual(workerConfig({}), { shutdownGraceMs: 30_000, maxCachedWorkflows: DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, maxConcurrentActivities: undefined });
    assert.deepEqual(workerConfig({ WORKER_SHUTDOWN_GRACE_MS: '20000', WORKER_MAX_CACHED_WORKFLOWS: '500', WORKER_MAX_CONCURRENT_ACTIVITIES: '20' }), {
      shutdownGraceMs: 20_000,
      maxCachedWorkflows: 500,
      maxConcurrentActivities: 20,
    });
    const stopGraceMs = durationMs(service('worker').stop_grace_period);
    assert.ok(
      stopGraceMs > workerConfig({}).shutdownGraceMs + SHUTDOWN_FORCE_MARGIN_MS,
      `stop_grace_period ${service('worker').stop_grace_period} outlasts the grace time and the force margin, so Docker's SIGKILL comes last`,
    );
    assert.ok(durationMs(service('receiver').stop_grace_period) > 12_000, 'the receiver has time to answer the callbacks in flight');
  });

  it('exposes the worker metrics ports to the compose network without publishing them', () => {
    const { sdkPort, appPort } = loadConfig({}).workerMetrics;
    assert.deepEqual(service('worker').expose, [String(sdkPort), String(appPort)]);
    assert.equal(service('worker').ports, undefined);
  });

  it('publishes the receiver on 8080, the API on 8090 and the Web UI on 8233, no host port twice', () => {
    assert.deepEqual(service('receiver').ports, ['8080:8080']);
    assert.deepEqual(service('api').ports, ['8090:8090']);
    assert.deepEqual(service('temporal-ui').ports, ['127.0.0.1:8233:8080']);
    const published = Object.values(services).flatMap((s) => (s.ports ?? []).map(hostPort));
    assert.equal(new Set(published).size, published.length, `host ports are distinct: ${published.join(', ')}`);
    assert.equal(service('worker').ports, undefined, 'the worker publishes nothing, so it scales');
    assert.equal(service('worker').container_name, undefined, 'the worker has no fixed name, so it scales');
    assert.equal(service('receiver').environment?.RECEIVER_PORT, 8080);
    assert.equal(service('api').environment?.API_PORT, 8090);
  });

  it('shares one artifact volume between the worker and the API, at their ARTIFACT_DIR', () => {
    assert.ok(compose.volumes && 'artifacts' in compose.volumes, 'a named volume "artifacts"');
    for (const name of ['worker', 'api']) {
      const dir = service(name).environment?.ARTIFACT_DIR;
      assert.ok(dir, `${name} sets ARTIFACT_DIR`);
      assert.ok(service(name).volumes?.includes(`artifacts:${dir}`), `${name} mounts the artifacts volume at ${dir}`);
    }
    assert.equal(service('receiver').volumes, undefined, 'the receiver keeps no files');
  });

  it('passes the same artifact store settings (ARTIFACT_STORE and the AWS ones, empty unless set) to the worker and the API', () => {
    const settings = ['ARTIFACT_STORE', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_S3_FORCE_PATH_STYLE'];
    for (const name of ['worker', 'api']) {
      const environment = service(name).environment ?? {};
      for (const setting of settings) assert.equal(environment[setting], `\${${setting}:-}`, `${name} passes ${setting} on`);
    }
    assert.equal(service('receiver').environment?.ARTIFACT_STORE, undefined, 'the receiver keeps no files');
  });

  it('runs the simulator only in the dry-run profile, which deploy/dry-run.env turns on and points the worker at', () => {
    assert.deepEqual(service('simulator').profiles, ['dry-run']);
    for (const [name, s] of Object.entries(services)) {
      if (name !== 'simulator') assert.equal(s.profiles, undefined, `${name} runs in every profile`);
    }
    assert.deepEqual(DRY_RUN_ENV.COMPOSE_PROFILES?.split(','), ['dry-run']);
    const resolved = interpolateDocument(compose, { ...DRY_RUN_ENV, POSTGRES_PASSWORD: 'a-long-random-password' });
    const simulator = resolved.services.simulator!;
    const port = simulator.command![simulator.command!.indexOf('--port') + 1];
    const host = simulator.command![simulator.command!.indexOf('--host') + 1];
    assert.equal(resolved.services.worker!.environment!.VIDU_BASE_URL, `http://simulator:${port}`);
    assert.equal(host, 'simulator', 'the simulator listens on its network address, which its media URLs name');
    assert.equal(simulator.command![simulator.command!.indexOf('--api-key') + 1], resolved.services.worker!.environment!.VIDU_API_KEY, 'the worker uses the simulator’s key');
    const callback = new URL(String(resolved.services.worker!.environment!.CALLBACK_PUBLIC_URL));
    assert.equal(`${callback.hostname}:${callback.port}`, `receiver:${resolved.services.receiver!.environment!.RECEIVER_PORT}`, 'simulated callbacks reach the receiver');
    assert.ok(String(resolved.services.api!.environment!.API_TOKENS).length >= 16);
  });
  it('publishes only the receiver and the API beyond 127.0.0.1: Temporal\'s gRPC and Web UI and the simulator on loopback, PostgreSQL not at all', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const mapping of s.ports ?? []) {
        if (name === 'receiver' || name === 'api') continue;
        assert.equal(publishedOn(mapping), '127.0.0.1', `${name}: "${mapping}" is published on 127.0.0.1 only`);
      }
    }
    assert.deepEqual(service('temporal').ports, ['127.0.0.1:7233:7233']);
    assert.deepEqual(service('simulator').ports, ['127.0.0.1:8089:8089']);
    assert.equal(service('postgresql').ports, undefined, 'PostgreSQL is not published');
    assert.equal(service('temporal-schema').ports, undefined);
    assert.equal(service('temporal-setup').ports, undefined);
  });

  it('gives no password a default: POSTGRES_PASSWORD is required, with a message, wherever it is used', () => {
    const defaulted = [...COMPOSE_TEXT.matchAll(/\$\{(\w*(?:PASSWORD|PWD|SECRET)\w*):?-([^}]*)\}/g)].filter((m) => m[2] !== '');
    assert.deepEqual(defaulted.map((m) => m[0]), [], 'no password or secret falls back to a value');
    const uses = [
      ['postgresql', 'POSTGRES_PASSWORD'],
      ['temporal-schema', 'SQL_PASSWORD'],
      ['temporal', 'POSTGRES_PWD'],
    ] as const;
    for (const [name, variable] of uses) {
      assert.match(String(service(name).environment?.[variable]), /^\$\{POSTGRES_PASSWORD:\?.{10,}\}$/, `${name}: ${variable} is POSTGRES_PASSWORD, required`);
    }
    assert.throws(
      () => interpolateDocument(compose, { ...PRODUCTION_ENV, POSTGRES_PASSWORD: '' }),
      (err: unknown) => err instanceof MissingVariableError && err.variable === 'POSTGRES_PASSWORD',
    );
    assert.throws(
      () => interpolateDocument(compose, DRY_RUN_ENV),
      (err: unknown) => err instanceof MissingVariableError && err.variable === 'POSTGRES_PASSWORD',
      'the dry run needs one too',
    );
  });

  it('refuses the dry run token in the API unless VIDU_BASE_URL points at the simulator', () => {
    assert.equal(DRY_RUN_ENV.API_TOKENS, DRY_RUN_API_TOKEN, 'deploy/dry-run.env uses the token the API knows as the dry run\'s');
    const apiConfig = (env: Record<string, string>) => configOf(interpolateDocument(compose, env).services.api!.environment);
    assert.throws(
      () => apiConfig({ ...PRODUCTION_ENV, API_TOKENS: DRY_RUN_API_TOKEN }),
      (err: unknown) => err instanceof ConfigError && /API_TOKENS: key "token-1" has the dry run's public token/.test(err.message) && err.message.includes('https://api.vidu.com'),
      'the dry run token against the real Vidu API stops the API at start-up',
    );
    assert.throws(() => apiConfig({ ...PRODUCTION_ENV, API_TOKENS: DRY_RUN_API_TOKEN, VIDU_BASE_URL: 'https://api.vidu.cn' }), ConfigError);
    const dryRun = apiConfig({ ...DRY_RUN_ENV, POSTGRES_PASSWORD: 'a-long-random-password' });
    assert.equal(dryRun.api.keys[0]!.token, DRY_RUN_API_TOKEN, 'the dry run itself starts');
    assert.equal(apiConfig(PRODUCTION_ENV).api.keys.length, 1);
  });

  for (const name of ['receiver', 'api'] as const) {
    it(`keeps the ${name}'s /metrics off its published port, exposed to the compose network only`, () => {
      const definition = service(name);
      const config = configOf(interpolateDocument(compose, PRODUCTION_ENV).services[name]!.environment)[name];
      assert.ok(config.metricsPort !== undefined, `the ${name} serves metrics`);
      assert.notEqual(config.metricsPort, config.port);
      assert.equal(config.metricsHost, '0.0.0.0', 'reachable by a Prometheus in the compose network');
      const published = (definition.ports ?? []).map((mapping) => mapping.split(':').at(-1));
      assert.deepEqual(published, [String(config.port)], 'only the service port is published');
      assert.deepEqual(definition.expose, [String(config.metricsPort)]);
    });
  }

  it('downloads media from global unicast addresses only, except in the dry run (the simulator is on the compose network)', () => {
    const workerConfig = (env: Record<string, string>) => configOf(interpolateDocument(compose, env).services.worker!.environment);
    assert.equal(workerConfig(PRODUCTION_ENV).vidu.mediaAllowPrivateHosts, false);
    assert.equal(workerConfig({ ...DRY_RUN_ENV, POSTGRES_PASSWORD: 'a-long-random-password' }).vidu.mediaAllowPrivateHosts, true);
    assert.equal(workerConfig(PRODUCTION_ENV).notify.allowPrivateHosts, false, 'webhooks too');
  });
});
