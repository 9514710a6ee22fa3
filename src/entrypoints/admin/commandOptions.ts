// What the admin tool's commands share: their context, the options several
// take (the target of an edit or a selection, the request id, who sends it)
// and how those are read.
import { hostname, userInfo } from 'node:os';
import type { ParseArgsConfig } from 'node:util';
import type { Client } from '@temporalio/client';
import { BY_MAX_CHARS, senderOf, type EditKind } from '../../workflows/ad/contract';
import { parseWholeNumber, UsageError } from './cliSupport';
import { commandRequestId } from './requestIds';

export interface CliIo {
  /** A whole line of output (stdout). */
  out(line: string): void;
  /** A whole line of diagnostics (stderr). */
  err(line: string): void;
  /** Raw text to stdout, for redrawing a progress line on a terminal. */
  write(text: string): void;
  isTTY: boolean;
}

export interface CommandContext {
  client: Client;
  adId: string;
  values: Record<string, string | boolean | undefined>;
  json: boolean;
  io: CliIo;
}

export interface Command {
  summary: string;
  usage: string;
  details: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  takesAdId: boolean;
  run(ctx: CommandContext): Promise<number>;
}

export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const TARGET_OPTIONS = {
  storyboard: { type: 'string' },
  narration: { type: 'boolean' },
  bgm: { type: 'boolean' },
} as const;

/** `--storyboard N`, `--narration` or `--bgm`: exactly one. */
export function target(values: CommandContext['values']): { kind: EditKind; storyboardIndex?: number } {
  const chosen = [values.storyboard !== undefined, values.narration === true, values.bgm === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('choose exactly one of --storyboard N, --narration or --bgm');
  if (values.narration) return { kind: 'narration' };
  if (values.bgm) return { kind: 'bgm' };
  return { kind: 'video', storyboardIndex: parseWholeNumber(values.storyboard as string, 'storyboard') };
}

export function describeTarget(t: { kind: EditKind; storyboardIndex?: number }): string {
  return t.kind === 'video' ? `storyboard ${t.storyboardIndex}` : t.kind === 'bgm' ? 'the background music' : 'the narration';
}

/**
 * Every operator request takes --request-id (without it the id comes from the command itself, see
 * ./requestIds) and --as (who sends it, recorded in the ad's status; default user@host).
 */
export const REQUEST_ID_OPTION = { 'request-id': { type: 'string' }, as: { type: 'string' } } as const;

export const REQUEST_ID_HELP = [
  '--request-id ID  names this request (1-128 letters, digits, "-", "_", ".", ":"). Default: derived from',
  '                 the ad id, the command and its arguments, so running the same command again (e.g.',
  '                 after a timeout) returns the first answer instead of making a second request.',
  '                 To make a deliberately identical second request, pass a new --request-id.',
  `--as NAME        who sends the request, recorded as "by" in the ad's requests (at most ${BY_MAX_CHARS}`,
  '                 characters). Default: your user name and this host, user@host.',
];

/** `--as`, or user@host of whoever runs the tool. */
export function senderName(values: CommandContext['values']): string {
  const given = values.as;
  if (given !== undefined) {
    const name = senderOf(given);
    if (name === undefined || (given as string).trim().length > BY_MAX_CHARS) throw new UsageError(`--as: must be a name of 1-${BY_MAX_CHARS} characters`);
    return name;
  }
  return defaultSender();
}

/** user@host, from the operating system (the environment's USER when it has no user entry). */
export function defaultSender(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}

export function requestIdOf(ctx: CommandContext, command: string, args: Record<string, string | number | boolean | undefined>): string {
  return commandRequestId(ctx.values['request-id'], ctx.adId, command, args);
}

export function requiredText(values: CommandContext['values'], option: string): string {
  const value = values[option];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${option} is required`);
  return value;
}

