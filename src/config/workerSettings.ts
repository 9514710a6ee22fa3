// The worker's settings: the account shortfall policy, Worker Deployment
// Versioning and the workflow cache.
import { ConfigError, type Env, type Problems } from './errors';
import { integer, text } from './readers';

export const DEFAULT_ACCOUNT_RECHECK_MS = 300_000;

export function shortfallPolicy(env: Env): 'wait' | 'fail' {
  const raw = text(env, 'ACCOUNT_CREDITS_SHORTFALL')?.toLowerCase() ?? 'wait';
  if (raw !== 'wait' && raw !== 'fail') throw new ConfigError('ACCOUNT_CREDITS_SHORTFALL', `must be wait or fail (got "${raw}")`);
  return raw;
}

/** The SDK's names for the two behaviours; see docs/deploying.md for the trade-off. */
export type VersioningBehaviorName = 'AUTO_UPGRADE' | 'PINNED';

export interface WorkerDeploymentConfig {
  deploymentName: string;
  buildId: string;
  /** For every ad this worker starts: AUTO_UPGRADE (the default) or PINNED. */
  defaultVersioningBehavior: VersioningBehaviorName;
}

// Temporal writes a version as "<deployment>.<build id>" (and "<deployment>:<build id>"), so a
// deployment name holds neither separator; names starting with "__" are the server's own.
const DEPLOYMENT_NAME_PATTERN = /^(?!__)[\w-]{1,100}$/;
const BUILD_ID_PATTERN = /^(?!__)[\w.+-]{1,100}$/;
const VERSIONING_BEHAVIORS: Record<string, VersioningBehaviorName> = { 'auto-upgrade': 'AUTO_UPGRADE', pinned: 'PINNED' };

export function workerDeployment(env: Env, problems: Problems): WorkerDeploymentConfig | undefined {
  // Each setting is checked even when versioning is off, so a typo never waits for the day it is turned on.
  const deploymentName = problems.read(undefined, () => {
    const value = text(env, 'WORKER_DEPLOYMENT_NAME');
    if (value !== undefined && !DEPLOYMENT_NAME_PATTERN.test(value)) {
      throw new ConfigError('WORKER_DEPLOYMENT_NAME', `must be 1-100 letters, digits, "_" or "-", not starting with "__" (got "${value}")`);
    }
    return value;
  });
  const rawBuildId = text(env, 'WORKER_BUILD_ID');
  const buildId = problems.read(undefined, () => {
    if (rawBuildId !== undefined && !BUILD_ID_PATTERN.test(rawBuildId)) {
      throw new ConfigError('WORKER_BUILD_ID', `must be 1-100 letters, digits, "_", "-", "." or "+", not starting with "__" (got "${rawBuildId}")`);
    }
    return rawBuildId;
  });
  const defaultVersioningBehavior = problems.read(undefined, () => {
    const raw = text(env, 'WORKER_VERSIONING_BEHAVIOR') ?? 'auto-upgrade';
    const behavior = VERSIONING_BEHAVIORS[raw.toLowerCase()];
    if (behavior === undefined) throw new ConfigError('WORKER_VERSIONING_BEHAVIOR', `must be auto-upgrade or pinned (got "${raw}")`);
    return behavior;
  });
  if (text(env, 'WORKER_DEPLOYMENT_NAME') === undefined) return undefined;
  if (rawBuildId === undefined) {
    problems.add(
      new ConfigError('WORKER_BUILD_ID', 'is missing: a versioned worker (WORKER_DEPLOYMENT_NAME is set) needs the build id of the code it runs, e.g. the image tag'),
    );
  }
  if (deploymentName === undefined || buildId === undefined || defaultVersioningBehavior === undefined) return undefined;
  return { deploymentName, buildId, defaultVersioningBehavior };
}

/**
 * Ads kept in a worker's memory between their events (WORKER_MAX_CACHED_WORKFLOWS).
 * The SDK sizes its default from the heap limit (about 2,300 here), which let
 * 2,000 ads parked awaiting their callbacks hold ~1 GB of worker RSS. Measured
 * with 2,000 parked (BENCHMARKS.md, "parked"): a cache of 500 left the worker
 * at 577 MiB, 250 at 462 MiB; an ad outside the cache replays its short
 * history on its next event, about 3 ms of worker CPU per callback.
 */
export const DEFAULT_WORKER_MAX_CACHED_WORKFLOWS = 250;

/** 0 turns the workflow cache off, 1 is not allowed (the SDK would make it 2). */
export function maxCachedWorkflows(env: Env): number {
  if (text(env, 'WORKER_MAX_CACHED_WORKFLOWS') === undefined) return DEFAULT_WORKER_MAX_CACHED_WORKFLOWS;
  const value = integer(env, 'WORKER_MAX_CACHED_WORKFLOWS', 0, 0, 100_000);
  if (value === 1) throw new ConfigError('WORKER_MAX_CACHED_WORKFLOWS', 'must be 0 (no cache) or from 2 to 100000 (got "1")');
  return value;
}
