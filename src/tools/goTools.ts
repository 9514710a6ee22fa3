// Project-local tools built from their Go modules into the git-ignored
// .tools/bin, on first use: the Temporal server and Web UI (the dev server
// and the local cluster), its SQL tool, the S3 gateway. A fresh machine needs
// only Go.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './projectRoot';

export const LOCAL_BIN_DIR = path.join(PROJECT_ROOT, '.tools', 'bin');

export interface GoTool {
  /** The `go install` argument, module path with its version. */
  module: string;
  /** The name `go install` gives the binary (the last path element of the package). */
  builtName: string;
  /**
   * The name it is kept under in .tools/bin, ending in the module's version: several tools build a
   * binary called `server` or `sql`, and a build of an older version left there is then not reused.
   */
  binary: string;
  /**
   * The Go toolchain `go install` runs with (GOTOOLCHAIN, for this build only), when the module's
   * go.mod asks for a newer Go than the one installed: Go fetches that toolchain through the module
   * proxy. Unset: whatever Go and GOTOOLCHAIN the environment has.
   */
  toolchain?: string;
}

/**
 * Temporal server 1.32.x: 1.29.1 (the release CLI v1.5.1 embeds, the newest CLI that builds from
 * the module proxy) is affected by CVE-2025-14986 and CVE-2025-14987. v1.32.2's go.mod asks for
 * go 1.26.10, hence its toolchain.
 */
const TEMPORAL_SERVER_VERSION = '1.32.2';
const TEMPORAL_SERVER_TOOLCHAIN = 'go1.27.3';
/** The Web UI beside the dev server; its assets are embedded in the binary. Its go.mod asks for go 1.26.5. */
const TEMPORAL_UI_VERSION = '2.54.1';
const VERSITYGW_VERSION = '1.8.0';

export const GO_TOOLS = {
  temporalServer: {
    module: `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
    builtName: 'server',
    binary: `temporal-server-${TEMPORAL_SERVER_VERSION}`,
    toolchain: TEMPORAL_SERVER_TOOLCHAIN,
  },
  temporalSqlTool: {
    module: `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
    builtName: 'sql',
    binary: `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}`,
    toolchain: TEMPORAL_SERVER_TOOLCHAIN,
  },
  temporalUi: {
    module: `github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION}`,
    builtName: 'server',
    binary: `temporal-ui-server-${TEMPORAL_UI_VERSION}`,
  },
  versitygw: {
    module: `github.com/versity/versitygw/cmd/versitygw@v${VERSITYGW_VERSION}`,
    builtName: 'versitygw',
    binary: `versitygw-${VERSITYGW_VERSION}`,
  },
} satisfies Record<string, GoTool>;

/** The environment `go install` runs with: the build folder, and the tool's toolchain when it names one. */
export function goInstallEnv(tool: GoTool, gobin: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GOBIN: gobin };
  if (tool.toolchain) env.GOTOOLCHAIN = tool.toolchain;
  return env;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `command` in the PATH's folders, then in `extraDirs`. */
export function onPath(command: string, extraDirs: string[] = []): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs]) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

export function findGo(): string | undefined {
  return onPath('go', ['/usr/local/go/bin']);
}

/**
 * The path of a tool in .tools/bin, built with `go install` when it is not
 * there yet. Throws with what to do when Go is missing or the build fails.
 */
export function ensureGoTool(tool: GoTool, log: (line: string) => void = (line) => console.error(line), binDir: string = LOCAL_BIN_DIR): string {
  const target = path.join(binDir, tool.binary);
  if (isExecutable(target)) return target;
  const go = findGo();
  if (!go) throw new Error(`${tool.binary} is not built and Go is not installed: install Go, then run again (it builds ${tool.module} into .tools/bin)`);
  // Built into a private folder first: two tools share the name `server`/`sql` style names, and test
  // files in parallel processes may build the same tool at once (each in its own folder, then renamed
  // into place: a rename replaces whole, so the last one simply wins with an identical binary).
  const buildDir = path.join(binDir, `.build-${tool.binary}-${process.pid}`);
  const toolchain = tool.toolchain ? ` and toolchain ${tool.toolchain}` : '';
  log(`Building ${tool.binary} with Go (${tool.module}${toolchain}) into .tools/bin; the first build takes a few minutes...`);
  try {
    const result = spawnSync(go, ['install', tool.module], {
      env: goInstallEnv(tool, buildDir),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const built = path.join(buildDir, tool.builtName);
    if (result.status !== 0 || !isExecutable(built)) {
      const how = tool.toolchain ? ` with GOTOOLCHAIN=${tool.toolchain}, which Go fetches through its module proxy` : '';
      throw new Error(`building ${tool.module}${how} failed (go install exit ${result.status ?? result.signal}); see the output above`);
    }
    renameSync(built, target);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  return target;
}
