// The `temporal server start-dev` command line the project runs, in one
// place, so the launcher and its tests agree on it (flags checked against
// `temporal server start-dev --help` of CLI v1.5.1).
import { SearchAttributeType } from '@temporalio/common';
import { AD_SEARCH_ATTRIBUTES } from '../workflows/ad/searchAttributes';

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

/**
 * Dynamic config for a dev machine. The one history shard reads its transfer
 * queue at most 20 times a second by default, which put callback-to-workflow
 * p99 at ~70 ms in a steady stream of signals; 200 brought it to ~23 ms
 * (BENCHMARKS.md, `npm run bench -- limits --transfer-poll-rps 20` to compare).
 */
// Not here: `frontend.enableCancelWorkerPollsOnShutdown`, which the local cluster turns on
// (src/cluster/serverConfig.ts). It came after server 1.29.1, the release CLI v1.5.1 embeds.
export const DEV_DYNAMIC_CONFIG: Readonly<Record<string, number>> = { 'history.transferProcessorMaxPollRPS': 200 };

/** Speed settings for a dev machine, with `dynamicConfig` values replacing the defaults above; the SDK's launcher (the download fallback) gets them too. */
export function tuningArgs(dynamicConfig: Readonly<Record<string, number>> = {}): string[] {
  // Durability of single writes matters less than speed on a dev machine (the SDK's own stress runs do the same).
  const args = ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'];
  for (const [key, value] of Object.entries({ ...DEV_DYNAMIC_CONFIG, ...dynamicConfig })) args.push('--dynamic-config-value', `${key}=${value}`);
  return args;
}

export function devServerArgs(options: DevServerCommandOptions): string[] {
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
