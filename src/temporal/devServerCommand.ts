// The command lines of the dev server, in one place, so the launcher and its
// tests agree on them: the Temporal server and Web UI built from their Go
// modules (the project's own), or a user's Temporal CLI's `server start-dev`
// (TEMPORAL_CLI_PATH or `temporal` on PATH; flags checked against
// `temporal server start-dev --help` of CLI v1.5.1).
import { SearchAttributeType } from '@temporalio/common';
import { AD_SEARCH_ATTRIBUTES } from '../workflows/ad/searchAttributes';
import { DEV_DYNAMIC_CONFIG, UI_CONFIG_ENV, UI_CONFIG_SUBDIR } from './devServerConfig';

/** The CLI's spelling of each search attribute type. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export interface DevServerCommandOptions {
  ip: string;
  port: number;
  /** undefined: no Web UI (--headless). */
  uiPort: number | undefined;
  /** undefined: everything in memory. */
  dbFilename: string | undefined;
  /** Dynamic config values replacing DEV_DYNAMIC_CONFIG's (benchmarks compare settings). */
  dynamicConfig?: Readonly<Record<string, number>>;
}

/** The project's server: all four services in one process, from the config file devServerConfig.ts writes. */
export function serverArgs(configFile: string): string[] {
  // --allow-no-auth: no authorizer on a dev machine, said so (else the server warns at every start).
  return ['--config-file', configFile, '--allow-no-auth', 'start'];
}

/** The Web UI server, reading <dir>/ui/dev-server.yaml (writeUiConfig). */
export function uiServerArgs(dir: string): string[] {
  return ['--root', dir, '--config', UI_CONFIG_SUBDIR, '--env', UI_CONFIG_ENV, 'start'];
}

/**
 * A CLI's start-dev: speed settings for a dev machine, with `dynamicConfig` values replacing the
 * defaults (DEV_DYNAMIC_CONFIG); the SDK's launcher (the download fallback) gets them too.
 * `frontend.enableCancelWorkerPollsOnShutdown` (see src/temporal/serverConfig.ts) is passed
 * on for a CLI whose server has it (1.32 and later); an older one ignores the key.
 */
export function tuningArgs(dynamicConfig: Readonly<Record<string, number>> = {}): string[] {
  // Durability of single writes matters less than speed on a dev machine (the SDK's own stress runs do the same).
  const args = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'];
  const values = { 'frontend.enableCancelWorkerPollsOnShutdown': true, ...DEV_DYNAMIC_CONFIG, ...dynamicConfig };
  for (const [key, value] of Object.entries(values)) args.push('--dynamic-config-value', `${key}=${value}`);
  return args;
}

export function startDevArgs(options: DevServerCommandOptions): string[] {
  const args = ['server', 'start-dev', '--ip', options.ip, '--port', String(options.port)];
  args.push(...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  // Registered at start because a workflow sets them in its first task.
  for (const key of AD_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`);
  // warn is start-dev's default, stated so a user's CLI config cannot make a server whose output nobody reads chatty.
  args.push(...tuningArgs(options.dynamicConfig), '--log-level', 'warn');
  return args;
}

/** The command as a person would type it, for error messages. */
export function shellCommand(binary: string, args: readonly string[]): string {
  return [binary, ...args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`)).join(' ');
}
