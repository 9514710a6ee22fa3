// Temporal's time-skipping test server (the Java SDK's), for the tests in
// test/timeSkipping/, obtained the way the Go tools are (goTools.ts): built
// into the git-ignored .tools on first use. The SDK's own way downloads it
// from temporal.download, which CI machines may not reach; here Maven
// resolves io.temporal:temporal-test-server and its dependencies from Maven
// Central (src/tools/temporal-test-server/pom.xml names the version; Maven's
// cache stays in ~/.m2), and a launcher script runs it with the machine's
// Java. A fresh machine needs only `java` (17 or later) and `mvn`.
//
// The SDK runs the launcher as `<launcher> <port>` (sdk-core's ephemeral
// server: the port, then `extraArgs`), waits at most 5 s for the port to
// answer, and stops it with SIGKILL: the launcher `exec`s java, so that the
// process the SDK starts and kills is the server itself. JVM start-up is kept
// well inside those 5 s by a class-data-sharing archive made at build time
// (about 0.4 s instead of 1.5 s on an idle machine) and the C1 compiler only.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from './projectRoot';
import { isExecutable } from './goTools';
import { freePort, portAccepts } from './ports';

export const TEST_SERVER_POM = path.join(PROJECT_ROOT, 'src', 'tools', 'temporal-test-server', 'pom.xml');
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
const LAUNCHER = 'temporal-test-server';
const CDS_ARCHIVE = 'classes.jsa';
/** Maven 3.8's colour codes (ESC [ ... m), left out of the output shown on failure. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The version the pom asks for (its `temporal.test-server.version` property). */
export function testServerVersion(pomPath: string = TEST_SERVER_POM): string {
  const version = /<temporal\.test-server\.version>([^<]+)<\/temporal\.test-server\.version>/.exec(readFileSync(pomPath, 'utf8'))?.[1]?.trim();
  if (!version) throw new Error(`${pomPath} names no <temporal.test-server.version>`);
  return version;
}

/** `java` or `mvn`: in JAVA_HOME/bin (java) or MAVEN_HOME/bin, M2_HOME/bin (mvn), else the first on PATH. */
export function findCommand(name: 'java' | 'mvn', env: NodeJS.ProcessEnv = process.env): string | undefined {
  const homes = name === 'java' ? [env.JAVA_HOME] : [env.MAVEN_HOME, env.M2_HOME];
  const dirs = [...homes.filter((h): h is string => !!h).map((h) => path.join(h, 'bin')), ...(env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/**
 * The launcher: `exec java ... TestServer "$@"`, with the archive when the
 * build made one (a missing or stale archive only costs start-up time: the
 * JVM's default -Xshare:auto then runs without it).
 */
export function launcherScript(java: string): string {
  return [
    '#!/bin/sh',
    '# Written by src/tools/temporalTestServer.ts: runs Temporal\'s time-skipping test server (args: <port> [--enable-time-skipping]).',
    'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    'cds=',
    `[ -f "$here/${CDS_ARCHIVE}" ] && cds="-XX:SharedArchiveFile=$here/${CDS_ARCHIVE}"`,
    `exec "${java}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $cds -cp "$here/lib/*" ${TEST_SERVER_MAIN_CLASS} "$@"`,
    '',
  ].join('\n');
}

/**
 * Starts the server once with -XX:ArchiveClassesAtExit and stops it (SIGTERM,
 * so the JVM exits normally and writes the archive of the classes its
 * start-up loaded). Best effort: without the archive the server starts slower.
 */
async function makeClassArchive(java: string, dir: string, log: (line: string) => void): Promise<void> {
  // Written under a name of its own, then renamed: a server started meanwhile sees no archive or a whole one.
  const archive = path.join(dir, `${CDS_ARCHIVE}.${process.pid}`);
  const port = await freePort();
  const child = spawn(java, [`-XX:ArchiveClassesAtExit=${archive}`, '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', `${path.join(dir, 'lib')}/*`, TEST_SERVER_MAIN_CLASS, String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let up = false;
  while (!up && Date.now() < deadline && child.exitCode === null) {
    await sleep(100);
    up = await portAccepts('127.0.0.1', port);
  }
  child.kill('SIGTERM');
  await exited;
  if (up && existsSync(archive)) return renameSync(archive, path.join(dir, CDS_ARCHIVE));
  rmSync(archive, { force: true });
  log(`temporal-test-server: no class-data archive (the server ${up ? 'wrote none' : 'did not answer'}; it starts without one, slower)${stderr ? `: ${stderr.trim()}` : ''}`);
}

/**
 * The launcher of the time-skipping test server, built into
 * .tools/temporal-test-server-<version>/ when it is not there yet. Throws
 * with what to do when java or mvn is missing or the build fails.
 */
export async function ensureTemporalTestServer(log: (line: string) => void = (line) => console.error(line), toolsDir: string = TOOLS_DIR): Promise<string> {
  const version = testServerVersion();
  const dir = path.join(toolsDir, `temporal-test-server-${version}`);
  const launcher = path.join(dir, LAUNCHER);
  if (isExecutable(launcher)) return launcher;

  const java = findCommand('java');
  const mvn = findCommand('mvn');
  if (!java || !mvn) {
    const missing = [!java && 'java (17 or later: on PATH or in JAVA_HOME/bin)', !mvn && 'mvn (Maven 3.6.3 or later: on PATH or in MAVEN_HOME/bin)'].filter(Boolean);
    const packages = [!java && 'openjdk-17-jre-headless', !mvn && 'maven'].filter(Boolean).join(' ');
    throw new Error(
      `Temporal's time-skipping test server is not built yet, and building it needs ${missing.join(' and ')}, not found: ` +
        `install ${missing.length > 1 ? 'them' : 'it'} (Debian: apt-get install ${packages}) and run again; ` +
        `it then builds io.temporal:temporal-test-server ${version} from Maven Central into ${path.relative(PROJECT_ROOT, dir)}`,
    );
  }

  // Built in a private folder, then renamed into place: test files in parallel processes may build at once.
  mkdirSync(toolsDir, { recursive: true });
  const buildDir = path.join(toolsDir, `.build-temporal-test-server-${version}-${process.pid}`);
  rmSync(buildDir, { recursive: true, force: true });
  const started = Date.now();
  log(
    `Building Temporal's time-skipping test server ${version} into ${path.relative(PROJECT_ROOT, dir)}: ` +
      `mvn dependency:copy-dependencies on ${path.relative(PROJECT_ROOT, TEST_SERVER_POM)} (jars from Maven Central, cached in ~/.m2; about 40 MB the first time)...`,
  );
  try {
    const result = spawnSync(mvn, ['-q', '-B', '-Dstyle.color=never', '-f', TEST_SERVER_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(buildDir, 'lib')}`, '-DincludeScope=runtime'], {
      // Captured, and shown only when it fails: Maven 3.8's -q still writes colour resets.
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const jars = existsSync(path.join(buildDir, 'lib')) ? readdirSync(path.join(buildDir, 'lib')).filter((f) => f.endsWith('.jar')) : [];
    if (result.status !== 0 || !jars.some((f) => f.startsWith(`temporal-test-server-${version}`))) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.replaceAll(ANSI_COLOUR, '').trim();
      if (output) log(output.split('\n').slice(-40).join('\n'));
      throw new Error(
        `building the time-skipping test server failed (mvn exit ${result.status ?? result.signal ?? result.error?.message}): ` +
          `Maven must reach Maven Central (or the mirror in ~/.m2/settings.xml); its output is above`,
      );
    }
    log(`temporal-test-server: ${jars.length} jars in ${Math.round((Date.now() - started) / 100) / 10} s; making its class-data archive (faster start-up)...`);
    const script = path.join(buildDir, LAUNCHER);
    writeFileSync(script, launcherScript(java));
    chmodSync(script, 0o755);
    try {
      renameSync(buildDir, dir);
      // In place: the archive holds the class path it was made with, so it is made from the final folder.
      await makeClassArchive(java, dir, log);
    } catch (err) {
      // Another process finished first (the folder exists and is not empty): its build is as good.
      if (!isExecutable(launcher)) throw err;
    }
    log(`temporal-test-server ${version} ready in ${Math.round((Date.now() - started) / 100) / 10} s: ${path.relative(PROJECT_ROOT, launcher)}`);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  return launcher;
}
