// The state file (<dir>/state.json): what the first start chose and later
// starts and `stop` must find again. The ports and the history shard count are
// fixed at the first start; the pids change with every (re)start of a process.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const port = z.number().int().min(1).max(65_535);
const pid = z.number().int().positive();
const servicePorts = z.object({ grpc: port, membership: port });

const stateSchema = z.object({
  version: z.literal(1),
  historyShards: z.number().int().positive(),
  namespace: z.string().min(1),
  ports: z.object({
    postgres: port,
    frontendHttp: port,
    services: z.object({ frontend: servicePorts, history: servicePorts, matching: servicePorts, worker: servicePorts }),
  }),
  postgresPassword: z.string().min(16),
  /**
   * Set once a start has seen every service serve. Until then the frontend starts
   * alone first: each service writes the cluster's metadata row at its first
   * start, and four writing at once fail on the duplicate key.
   */
  initialized: z.boolean().optional(),
  /** The server release whose schema was last applied; a start with another release updates the schema. */
  schemaAppliedFor: z.string().optional(),
  /** The last known process of each part; PostgreSQL's own pid file is the authority for it. */
  pids: z.object({
    postgres: pid.optional(),
    frontend: pid.optional(),
    history: pid.optional(),
    matching: pid.optional(),
    worker: pid.optional(),
  }),
});

export type ClusterState = z.infer<typeof stateSchema>;

export function stateFile(dir: string): string {
  return path.join(dir, 'state.json');
}

/** The state of the cluster in `dir`, or undefined before its first start. Throws, naming the file, when it is unreadable. */
export function readClusterState(dir: string): ClusterState | undefined {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); delete the folder to start a new cluster`);
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new Error(`${file} does not hold a cluster state (${problems}); delete the folder to start a new cluster`);
  }
  return result.data;
}

/** Written whole to a temporary file and renamed, so a reader never sees half a state; readable by its owner only (it holds the database password). */
export function writeClusterState(dir: string, state: ClusterState): void {
  mkdirSync(dir, { recursive: true });
  const file = stateFile(dir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function newDatabasePassword(): string {
  return randomBytes(18).toString('base64url');
}
