// Which workflow code a worker service runs: a prebuilt bundle (named, or the
// one `npm run build` left in dist/) or the sources bundled at start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DEFAULT_WORKFLOW_BUNDLE_PATH } from '../config';
import { PROJECT_ROOT } from '../tools/projectRoot';

export interface WorkflowCodeChoice {
  /** The prebuilt bundle to run; undefined: bundle src/workflows at start (webpack, a few seconds). */
  workflowBundle?: { codePath: string };
  /** What the worker logs at start, so which code runs is never a guess. */
  description: string;
}

/**
 * The workflow code `npm run worker` runs: the bundle named by
 * WORKFLOW_BUNDLE_PATH (which must exist), else the one `npm run build` left in
 * dist/ if any, else the workflow code bundled at start as in development.
 */
export function chooseWorkflowCode(configuredPath: string | undefined, defaultPath = DEFAULT_WORKFLOW_BUNDLE_PATH): WorkflowCodeChoice {
  if (configuredPath !== undefined) {
    if (!existsSync(configuredPath)) {
      throw new ConfigError('WORKFLOW_BUNDLE_PATH', `no file at ${configuredPath}: run \`npm run build\` to make it, or unset the setting to bundle at start`);
    }
    return { workflowBundle: { codePath: configuredPath }, description: `prebuilt workflow bundle ${configuredPath} (WORKFLOW_BUNDLE_PATH)` };
  }
  if (existsSync(defaultPath)) {
    const stale = newerWorkflowSource(statSync(defaultPath).mtimeMs);
    return {
      workflowBundle: { codePath: defaultPath },
      description:
        `prebuilt workflow bundle ${defaultPath}` +
        (stale ? ` (WARNING: older than ${stale}; run \`npm run build\` again or delete it to bundle at start)` : ''),
    };
  }
  return { description: `workflow code bundled at start (no ${defaultPath}; \`npm run build\` makes one)` };
}

/**
 * A workflow source file changed after the bundle in dist/ was built: in
 * development that bundle is out of date. It looks at the TypeScript sources
 * in the project's src/workflows, not next to this file, so the compiled worker
 * (dist/src/entrypoints/worker/main.js) checks them too; the image holds no sources, so nothing to check there.
 */
export function newerWorkflowSource(bundleMtimeMs: number, dir = path.join(PROJECT_ROOT, 'src', 'workflows')): string | undefined {
  if (!existsSync(dir)) return undefined;
  // Every folder below (ad/, campaign/, shared/): the bundle holds them all.
  const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  const newer = sources.find((name) => statSync(path.join(dir, name)).mtimeMs > bundleMtimeMs);
  return newer && path.join('src', 'workflows', newer);
}

