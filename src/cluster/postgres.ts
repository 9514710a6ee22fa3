// The cluster's PostgreSQL: a private server in <dir>/postgres on a loopback
// port, made with the machine's own initdb and pg_ctl. PostgreSQL refuses to
// run as root, so when this runs as root the server runs as the unprivileged
// `postgres` system user that the Debian/Ubuntu packages create.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isExecutable } from '../tools/goTools';
import { runCommand } from './commands';
import { isOurProcess } from './processes';
import { CLUSTER_HOST } from './ports';

const INSTALL_HINT =
  'install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@15`) ' +
  'or put the folder holding its initdb and pg_ctl on PATH';
/** The login the Temporal server and its schema tool use; created with CREATEDB so the tool can create Temporal's two databases. */
export const TEMPORAL_DB_USER = 'temporal';
const SUPERUSER = 'postgres';
const RUN_AS_WHEN_ROOT = 'postgres';

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
  psql: string;
}

export interface PostgresLayout {
  /** <dir>/postgres: owned by the user the server runs as; also holds its Unix socket. */
  home: string;
  data: string;
  logFile: string;
}

/** Whether every folder from the root down to `dir` (or its nearest existing parent) lets other users through. */
function searchableByOthers(dir: string): boolean {
  let folder = path.resolve(dir);
  while (!existsSync(folder)) folder = path.dirname(folder);
  for (;;) {
    if ((statSync(folder).mode & 0o001) === 0) return false;
    const parent = path.dirname(folder);
    if (parent === folder) return true;
    folder = parent;
  }
}

/**
 * Where the cluster's PostgreSQL keeps its data and log: in `<dir>/postgres`,
 * unless it runs as the `postgres` user (this process is root) and a folder
 * above `dir` keeps other users out (a 0700 temporary folder, /root): then in
 * a folder of its own under the system's temporary folder, named after `dir`,
 * so that every process finds the same one.
 */
export function postgresLayout(dir: string): PostgresLayout {
  if (process.getuid?.() === 0 && !searchableByOthers(dir)) {
    const home = path.join(tmpdir(), `vidu-ad-postgres-${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16)}`);
    return { home, data: path.join(home, 'data'), logFile: path.join(home, 'postgres.log') };
  }
  const home = path.join(dir, 'postgres');
  return { home, data: path.join(home, 'data'), logFile: path.join(dir, 'logs', 'postgres.log') };
}

function onPath(command: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (folder && isExecutable(path.join(folder, command))) return path.join(folder, command);
  }
  return undefined;
}

/** initdb and pg_ctl from PATH (resolved to their real folder, where psql usually lives too), else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgres(): PostgresBinaries {
  const folders: string[] = [];
  const initdbOnPath = onPath('initdb');
  if (initdbOnPath) folders.push(path.dirname(realpathSync(initdbOnPath)));
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    folders.push(...versions.map((v) => path.join(debianRoot, v, 'bin')));
  }
  for (const folder of folders) {
    const initdb = path.join(folder, 'initdb');
    const pgCtl = path.join(folder, 'pg_ctl');
    if (!isExecutable(initdb) || !isExecutable(pgCtl)) continue;
    const psql = isExecutable(path.join(folder, 'psql')) ? path.join(folder, 'psql') : onPath('psql');
    if (!psql) throw new Error(`PostgreSQL's client psql was not found next to ${initdb} nor on PATH: ${INSTALL_HINT}`);
    return { initdb, pgCtl, psql };
  }
  throw new Error(`PostgreSQL's initdb and pg_ctl were not found on PATH nor in ${debianRoot}/<version>/bin: ${INSTALL_HINT}`);
}

interface RunAs {
  /** The command prefix that runs a command as the server's user (empty: as ourselves). */
  prefix: string[];
  uid: number;
  gid: number;
}

function runAsForServer(): RunAs {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { prefix: [], uid, gid: process.getgid?.() ?? 0 };
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === RUN_AS_WHEN_ROOT);
  if (!entry) {
    throw new Error(
      `PostgreSQL refuses to run as root and there is no \`${RUN_AS_WHEN_ROOT}\` system user to run it as: ` +
        `run this as an ordinary user, or create one (\`useradd --system --home-dir /var/lib/postgresql ${RUN_AS_WHEN_ROOT}\`)`,
    );
  }
  return { prefix: ['runuser', '-u', RUN_AS_WHEN_ROOT, '--'], uid: Number(entry[2]), gid: Number(entry[3]) };
}

function asServerUser(runAs: RunAs, binary: string, args: string[]): [string, string[]] {
  const [first, ...rest] = [...runAs.prefix, binary, ...args];
  return [first!, rest];
}

export interface RunningPostgres {
  port: number;
  pid: number;
  /** The folder of its Unix socket (superuser access without a password, for set-up only). */
  socketDir: string;
  layout: PostgresLayout;
}

/**
 * The postmaster's pid from its pid file, when the server in `data` runs. A pid
 * file left by a crash or a reboot can name a pid another program has taken
 * since: the process must also have `data` in its command line.
 */
export function postgresPid(data: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isOurProcess(pid, [data]) ? pid : undefined;
}

/** Makes the folders, runs initdb the first time, starts the server unless it already runs, and makes sure the Temporal login exists. */
export async function startPostgres(
  dir: string,
  options: { port: number; password: string; log: (line: string) => void },
): Promise<RunningPostgres> {
  const binaries = findPostgres();
  const runAs = runAsForServer();
  const layout = postgresLayout(dir);
  // The cluster folder with the usual mode first: a recursive mkdir would give it (and every missing parent) 0700 too.
  mkdirSync(dir, { recursive: true });
  mkdirSync(layout.home, { recursive: true, mode: 0o700 });
  mkdirSync(path.dirname(layout.logFile), { recursive: true });
  closeSync(openSync(layout.logFile, 'a'));
  if (runAs.prefix.length > 0) {
    chownSync(layout.home, runAs.uid, runAs.gid);
    chownSync(layout.logFile, runAs.uid, runAs.gid);
    // The server's user must be able to reach its folder: a parent only root may enter (a 0700 temp folder) stops it.
    const probe = spawnSync('runuser', ['-u', RUN_AS_WHEN_ROOT, '--', 'test', '-w', layout.home]);
    if (probe.status !== 0) {
      throw new Error(
        `PostgreSQL runs as the \`${RUN_AS_WHEN_ROOT}\` user, who cannot write to ${layout.home}: ` +
          `every folder above it must be searchable by others (chmod o+x), or choose a folder that is`,
      );
    }
  }

  if (!existsSync(path.join(layout.data, 'PG_VERSION'))) {
    // A data folder without PG_VERSION is a first initdb that did not finish: start it over.
    rmSync(layout.data, { recursive: true, force: true });
    options.log(`PostgreSQL: creating the database cluster in ${layout.data}`);
    const [file, args] = asServerUser(runAs, binaries.initdb, [
      '-D', layout.data,
      '-U', SUPERUSER,
      // The superuser only over the Unix socket, whose folder only the server's user can enter;
      // over TCP every login needs its password.
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E', 'UTF8',
      '--locale=C.UTF-8',
      // A new, empty scratch cluster: skipping initdb's fsync of every file saves seconds; the running server still syncs.
      '--no-sync',
    ]);
    await runCommand('initdb', file, args);
  }

  let pid = postgresPid(layout.data);
  if (pid === undefined) {
    const serverOptions = [
      `-h ${CLUSTER_HOST}`,
      `-p ${options.port}`,
      // The socket in our own folder, not the shared /var/run/postgresql.
      `-k ${layout.home}`,
      // Four Temporal services, each with a pool per store, need more than the default 100.
      '-c max_connections=300',
    ].join(' ');
    const [file, args] = asServerUser(runAs, binaries.pgCtl, ['-D', layout.data, '-l', layout.logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
    await runCommand(`starting PostgreSQL (its log: ${layout.logFile})`, file, args);
    pid = postgresPid(layout.data);
    if (pid === undefined) throw new Error(`PostgreSQL reported a start but wrote no pid file; see ${layout.logFile}`);
    options.log(`PostgreSQL started on ${CLUSTER_HOST}:${options.port} (pid ${pid})`);
  }

  // Idempotent, so a first start cut short before this step is finished by the next one.
  const createLogin =
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${TEMPORAL_DB_USER}') THEN ` +
    `CREATE ROLE ${TEMPORAL_DB_USER} LOGIN CREATEDB PASSWORD '${options.password.replace(/'/g, "''")}'; END IF; END $$;`;
  await runCommand('creating the temporal login in PostgreSQL', binaries.psql, [
    '-h', layout.home, '-p', String(options.port), '-U', SUPERUSER, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', createLogin,
  ]);
  return { port: options.port, pid, socketDir: layout.home, layout };
}

/** Stops the server in <dir>/postgres if it runs (fast shutdown: sessions are ended, nothing is lost). */
export async function stopPostgres(dir: string): Promise<void> {
  const layout = postgresLayout(dir);
  if (postgresPid(layout.data) === undefined) return;
  const binaries = findPostgres();
  const [file, args] = asServerUser(runAsForServer(), binaries.pgCtl, ['-D', layout.data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  await runCommand('stopping PostgreSQL', file, args);
}
