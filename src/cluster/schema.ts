// Temporal's two databases on the cluster's PostgreSQL, created and brought
// to the schema of the server release with Temporal's own SQL tool (built
// from the same Go module as the server, whose schemas it carries inside).
// Every step is safe to run again; the caller skips them when the state says
// this release's schema is already there.
import { ensureGoTool, GO_TOOLS } from '../tools/goTools';
import { runCommand } from './commands';
import { CLUSTER_HOST } from './ports';
import { TEMPORAL_DB_USER } from './postgres';

/** The server release the schema tool and the server are built from. */
export const SERVER_RELEASE = GO_TOOLS.temporalServer.module.split('@')[1]!;

const DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal' },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

export async function applySchema(options: { port: number; password: string; log: (line: string) => void }): Promise<void> {
  const tool = ensureGoTool(GO_TOOLS.temporalSqlTool, options.log);
  // Through the environment, so the password never shows in a process list.
  const env = {
    ...process.env,
    SQL_HOST: CLUSTER_HOST,
    SQL_PORT: String(options.port),
    SQL_USER: TEMPORAL_DB_USER,
    SQL_PASSWORD: options.password,
    SQL_PLUGIN: 'postgres12',
  };
  await Promise.all(
    DATABASES.map(async ({ name, schema }) => {
      const run = (what: string, args: string[]) => runCommand(`${what} (database ${name})`, tool, ['--db', name, ...args], { env });
      await run('creating the database', ['create']);
      // Version 0.0 only makes the schema version tables; update-schema then applies every versioned step.
      await run('setting up the schema', ['setup-schema', '-v', '0.0']);
      await run('updating the schema', ['update-schema', '-s', schema]);
    }),
  );
  options.log(`Schema: databases temporal and temporal_visibility at Temporal ${SERVER_RELEASE}'s schema`);
}
