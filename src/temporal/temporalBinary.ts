// Finds what runs the dev server, in the documented order: a Temporal CLI
// named by TEMPORAL_CLI_PATH or on PATH (a user's own, run as `server
// start-dev`), then the project's Temporal server 1.32.2 and Web UI built from
// their Go modules into .tools/bin (built with Go on first use), and last the
// SDK's own CLI download for machines with internet and no Go.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';
import { ensureGoTool, findGo, GO_TOOLS, isExecutable, LOCAL_BIN_DIR, onPath } from '../tools/goTools';

export type TemporalExecutable =
  /** A Temporal CLI, which embeds the server and the Web UI: `server start-dev`. */
  | { type: 'cli'; path: string; source: 'TEMPORAL_CLI_PATH' | 'PATH' }
  /** The server (all four services in one process) and the Web UI, each its own binary. */
  | { type: 'server'; server: string; ui: string; source: 'project-build' }
  | { type: 'cached-download'; source: 'sdk-download' };

export function resolveTemporalExecutable(
  cliPath: string | undefined,
  log: (line: string) => void = (line) => console.error(line),
  binDir: string = LOCAL_BIN_DIR,
): TemporalExecutable {
  if (cliPath) {
    if (!existsSync(cliPath)) throw new ConfigError('TEMPORAL_CLI_PATH', `names "${cliPath}", which does not exist`);
    if (!isExecutable(cliPath)) throw new ConfigError('TEMPORAL_CLI_PATH', `names "${cliPath}", which is not executable`);
    return { type: 'cli', path: cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { type: 'cli', path: fromPath, source: 'PATH' };
  const tools = [GO_TOOLS.temporalServer, GO_TOOLS.temporalUi];
  if (findGo() || tools.every((tool) => isExecutable(path.join(binDir, tool.binary)))) {
    const [server, ui] = tools.map((tool) => ensureGoTool(tool, log, binDir)) as [string, string];
    return { type: 'server', server, ui, source: 'project-build' };
  }
  log('No Temporal CLI found and no Go to build the Temporal server: the Temporal SDK will download the CLI (needs internet).');
  return { type: 'cached-download', source: 'sdk-download' };
}
