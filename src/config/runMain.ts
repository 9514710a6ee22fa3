// How an entry point starts: its optional .env file, and one line per wrong
// setting instead of a stack trace.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, ConfigErrors, type Env } from './errors';

/** The optional settings file of the service entry points, in the current directory. */
export const ENV_FILE_NAME = '.env';

/**
 * Loads `<dir>/.env`, when there is one, into `env`: `NAME=value` lines as
 * Node's own `--env-file` reads them. A variable already set wins over the
 * file, so the environment (a container's, a shell's) always has the last
 * word. Returns the file loaded, if any.
 */
export function loadEnvFile(dir: string = process.cwd(), env: Env = process.env): string | undefined {
  const file = path.join(dir, ENV_FILE_NAME);
  if (!existsSync(file)) return undefined;
  let entries: NodeJS.Dict<string>;
  try {
    entries = parseEnv(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(ENV_FILE_NAME, `cannot be read: ${(err as Error).message}`);
  }
  for (const [name, value] of Object.entries(entries)) {
    if (env[name] === undefined && value !== undefined) env[name] = value;
  }
  return file;
}

export interface RunMainOptions {
  /**
   * Load `.env` from the current directory first (see `loadEnvFile`). For the
   * services (worker, receiver); off elsewhere, so that neither the test
   * harness nor the demo picks up a deployment's settings by accident.
   */
  envFile?: boolean;
}

/** One "configuration error: SETTING: rule" line per wrong setting. */
export function configErrorLines(err: ConfigError): string[] {
  const problems = err instanceof ConfigErrors ? err.problems : [err];
  return problems.map((problem) => `configuration error: ${problem.message}`);
}

/**
 * Runs an entry point's main function; configuration errors print one line
 * per wrong setting and exit with status 2 instead of a stack trace.
 */
export function runMain(main: () => Promise<void>, options: RunMainOptions = {}): void {
  const run = async () => {
    if (options.envFile) loadEnvFile();
    await main();
  };
  run().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      for (const line of configErrorLines(err)) console.error(line);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
