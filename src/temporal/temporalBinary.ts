// Finds a real Temporal CLI (which embeds the dev server and the Web UI), in
// the documented order: TEMPORAL_CLI_PATH, a `temporal` on PATH, the
// project-local build in .tools/bin (built with Go when Go is present), and
// last the SDK's own download for machines with internet and no Go.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
import { LOCAL_BIN_DIR } from '../tools/goTools';
export { LOCAL_BIN_DIR };
export const LOCAL_TEMPORAL = path.join(LOCAL_BIN_DIR, 'temporal');

export type TemporalExecutable =
  | { type: 'existing-path'; path: string; source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-build' }
  | { type: 'cached-download'; source: 'sdk-download' };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function buildWithGo(log: (line: string) => void): boolean {
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return false;
  log(`Building the Temporal CLI with Go (${TEMPORAL_CLI_MODULE}) into .tools/bin; the first build takes a few minutes...`);
  const result = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: LOCAL_BIN_DIR },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return result.status === 0 && isExecutable(LOCAL_TEMPORAL);
}

export function resolveTemporalExecutable(
  cliPath: string | undefined,
  log: (line: string) => void = (line) => console.error(line),
): TemporalExecutable {
  if (cliPath) {
    if (!existsSync(cliPath)) throw new ConfigError('TEMPORAL_CLI_PATH', `names "${cliPath}", which does not exist`);
    if (!isExecutable(cliPath)) throw new ConfigError('TEMPORAL_CLI_PATH', `names "${cliPath}", which is not executable`);
    return { type: 'existing-path', path: cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { type: 'existing-path', path: fromPath, source: 'PATH' };
  if (isExecutable(LOCAL_TEMPORAL) || buildWithGo(log)) {
    return { type: 'existing-path', path: LOCAL_TEMPORAL, source: 'project-build' };
  }
  log('No Temporal CLI found and no Go to build one: the Temporal SDK will download the CLI (needs internet).');
  return { type: 'cached-download', source: 'sdk-download' };
}
