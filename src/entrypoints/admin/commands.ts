// The admin tool's command line: parses a command, runs the matching admin
// action, prints text (or JSON with --json) and answers the exit status:
// 0 done, 1 rejected or failed (one line on stderr), 2 a usage or
// configuration mistake.
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { ConfigError, configErrorLines } from '../../config';
import { AdInputError, AdNotFoundError, AdRequestRejectedError, AdRetryRefusedError } from '../../starter/errors';
import { AD_STAGES, type EditRequestInput, type SelectTakeInput } from '../../workflows/ad/contract';
import { AdminError, AdminTimeoutError, approveAd, cancelAd, listAds, requestEdit, retryClosedAd, selectTake, showAd, watchAd } from './adminActions';
import { ADMIN_BIN, parseDurationMs, parseWholeNumber, UsageError } from './cliSupport';
import { resolveAdId } from './adLookup';
import { ProgressDisplay } from './progressDisplay';
import { renderAdList, renderNextSteps, renderRetry, renderStatus } from './render';
import { COMMON_OPTIONS, describeTarget, REQUEST_ID_HELP, REQUEST_ID_OPTION, requestIdOf, requiredText, senderName, target, TARGET_OPTIONS, type CliIo, type Command, type CommandContext } from './commandOptions';
import { commandRequestId } from './requestIds';

export { ADMIN_BIN };
export { defaultSender, type CliIo } from './commandOptions';

const COMMANDS: Record<string, Command> = {
  list: {
    summary: 'list ads from the visibility store, newest first',
    usage: 'list [--stage STAGE] [--limit N] [--json]',
    details: [`--stage    only ads in this stage (default: every stage): ${AD_STAGES.join(', ')}`, '--limit    at most N ads (default 50)'],
    options: { stage: { type: 'string' }, limit: { type: 'string' } },
    takesAdId: false,
    async run({ client, values, json, io }) {
      const ads = await listAds(client, { stage: values.stage as string | undefined, limit: parseWholeNumber(values.limit as string | undefined, 'limit', 1) });
      io.out(json ? JSON.stringify(ads) : renderAdList(ads));
      return 0;
    },
  },
  show: {
    summary: 'show one ad: stage, progress, storyboards with their takes and the selection',
    usage: 'show <adId> [--json]',
    details: ['The selected take of each part is marked with *.'],
    options: {},
    takesAdId: true,
    async run({ client, adId, json, io }) {
      const status = await showAd(client, adId);
      io.out(json ? JSON.stringify(status) : renderStatus(status));
      return 0;
    },
  },
  edit: {
    summary: 'regenerate a storyboard, the narration or the background music with a new prompt',
    usage: 'edit <adId> (--storyboard N | --narration | --bgm) --prompt TEXT [--request-id ID] [--as NAME] [--json]',
    details: [
      '--storyboard N  the storyboard to regenerate (from 0)',
      '--narration     new narration text',
      '--bgm           new background-music prompt',
      ...REQUEST_ID_HELP,
      'The ad answers with the Vidu sub-task id, or says why it refuses.',
    ],
    options: { ...TARGET_OPTIONS, prompt: { type: 'string' }, ...REQUEST_ID_OPTION },
    takesAdId: true,
    async run(ctx) {
      const { client, adId, values, json, io } = ctx;
      const edit: EditRequestInput = { ...target(values), prompt: requiredText(values, 'prompt'), by: senderName(values) };
      edit.requestId = requestIdOf(ctx, 'edit', { kind: edit.kind, storyboardIndex: edit.storyboardIndex, prompt: edit.prompt });
      const accepted = await requestEdit(client, adId, edit);
      io.out(
        json
          ? JSON.stringify({ adId, ...edit, ...accepted })
          : `Edit of ${describeTarget(edit)} accepted: Vidu sub-task ${accepted.subTaskId} (request id ${accepted.requestId}).`,
      );
      return 0;
    },
  },
  select: {
    summary: 'choose an existing take for a storyboard, the narration or the background music',
    usage: 'select <adId> (--storyboard N | --narration | --bgm) --take ID [--request-id ID] [--as NAME] [--json]',
    details: ['--take ID        one of the take ids that `show` lists for that part', ...REQUEST_ID_HELP],
    options: { ...TARGET_OPTIONS, take: { type: 'string' }, ...REQUEST_ID_OPTION },
    takesAdId: true,
    async run(ctx) {
      const { client, adId, values, json, io } = ctx;
      const take: SelectTakeInput = { ...target(values), takeId: requiredText(values, 'take'), by: senderName(values) };
      take.requestId = requestIdOf(ctx, 'select', { kind: take.kind, storyboardIndex: take.storyboardIndex, takeId: take.takeId });
      const accepted = await selectTake(client, adId, take);
      io.out(json ? JSON.stringify({ adId, ...take, ...accepted, selected: true }) : `Selected take ${take.takeId} for ${describeTarget(take)} (request id ${accepted.requestId}).`);
      return 0;
    },
  },
  approve: {
    summary: 'end the review: the ad composes the selected takes and is saved',
    usage: 'approve <adId> [--request-id ID] [--as NAME] [--json]',
    details: [...REQUEST_ID_HELP],
    options: { ...REQUEST_ID_OPTION },
    takesAdId: true,
    async run(ctx) {
      const { client, adId, values, json, io } = ctx;
      const accepted = await approveAd(client, adId, { requestId: requestIdOf(ctx, 'approve', {}), by: senderName(values) });
      io.out(json ? JSON.stringify({ adId, approved: true, ...accepted }) : `Ad ${adId} approved: it composes the selection and saves the result (request id ${accepted.requestId}).`);
      return 0;
    },
  },
  cancel: {
    summary: 'cancel an ad: the Vidu task in flight is cancelled and the ad ends as cancelled',
    usage: 'cancel <adId> [--reason TEXT] [--request-id ID] [--as NAME] [--json]',
    details: ['--reason TEXT    recorded with the cancellation', ...REQUEST_ID_HELP],
    options: { reason: { type: 'string' }, ...REQUEST_ID_OPTION },
    takesAdId: true,
    async run(ctx) {
      const { client, adId, values, json, io } = ctx;
      const reason = values.reason as string | undefined;
      const accepted = await cancelAd(client, adId, { reason, requestId: requestIdOf(ctx, 'cancel', { reason }), by: senderName(values) });
      io.out(json ? JSON.stringify({ adId, cancelled: true, ...accepted }) : `Ad ${adId} is being cancelled (request id ${accepted.requestId}).`);
      return 0;
    },
  },
  retry: {
    summary: 'start a failed, cancelled, terminated or timed-out ad again under its id',
    usage: 'retry <adId> [--acknowledge-unknown-create] [--json]',
    details: [
      'If the ad\'s Vidu task had succeeded, the new run resumes from that task: nothing is created',
      'or paid for again. Otherwise the new run creates a new Vidu task.',
      'A running or finished (done) ad is refused.',
      '--acknowledge-unknown-create  create a new task even though the last create ended with',
      '                              ViduCreateOutcomeUnknown: the first request may have reached Vidu,',
      '                              so a task may exist and be billed. Check at Vidu first; without',
      '                              this flag such an ad is refused.',
    ],
    options: { 'acknowledge-unknown-create': { type: 'boolean' } },
    takesAdId: true,
    async run({ client, adId, values, json, io }) {
      const retried = await retryClosedAd(client, adId, { acknowledgeUnknownCreate: values['acknowledge-unknown-create'] === true });
      const { ad: _handle, ...outcome } = retried;
      io.out(json ? JSON.stringify({ adId, ...outcome }) : renderRetry(adId, retried));
      return 0;
    },
  },
  watch: {
    summary: 'follow an ad with a live progress line until it finishes',
    usage: 'watch <adId> [--interval DURATION] [--json]',
    details: [
      '--interval  how often to ask (default 1s)',
      'When the ad reaches review it waits for you: watch then prints the commands that steer it',
      '(edit, select, approve, cancel) and the review deadline, and goes on watching.',
      'Exits 0 when the ad is done, 1 when it failed or was cancelled.',
      'With --json, prints one status object per change.',
    ],
    options: { interval: { type: 'string' } },
    takesAdId: true,
    async run({ client, adId, values, json, io }) {
      const intervalMs = values.interval ? parseDurationMs(values.interval as string, 'interval') : 1_000;
      const display = new ProgressDisplay(io);
      const final = await watchAd(client, adId, (status) => (json ? io.out(JSON.stringify(status)) : display.show(status)), { intervalMs });
      display.end();
      if (final.stage === 'done') {
        if (!json && final.result) io.out(`Done: video ${final.result.video.path}, cover ${final.result.cover.path}`);
        return 0;
      }
      io.err(`ad ${adId} ${final.stage}${final.lastError ? `: ${final.lastError}` : ''}`);
      if (!json) for (const line of renderNextSteps(final)) io.err(line);
      return 1;
    },
  },
};

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    `Usage: ${ADMIN_BIN} <command> [options]`,
    '',
    'Steers video ads running on Temporal. It connects as the `temporal` CLI does: TEMPORAL_ADDRESS',
    '(default 127.0.0.1:7233), TEMPORAL_NAMESPACE (default "default"), TEMPORAL_API_KEY, TEMPORAL_TLS_*,',
    'TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    `<adId> is the ad's id, or its workflow id "ad-<adId>" as the Temporal Web UI shows it (an ad whose own`,
    `id starts with "ad-" is found by that id first). Every command takes --json (machine-readable output)`,
    `and --help. Run "${ADMIN_BIN} <command> --help" for details.`,
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  return [`Usage: ${ADMIN_BIN} ${command.usage}`, '', `${name}: ${command.summary}.`, ...(command.details.length ? ['', ...command.details.map((d) => `  ${d}`)] : [])].join('\n');
}

/** The one line an operator sees when a request is refused or went unanswered; undefined for an unexpected error. */
function refusal(err: unknown): string | undefined {
  if (err instanceof AdminTimeoutError && err.requestId) {
    // The command line derives the id from the command, so the operator need not copy it.
    return `${err.what} got no answer within ${err.timeoutMs / 1000} s: it may still be in progress (is a worker running for the ads' task queue?). Running this same command again is safe: it reuses request id ${err.requestId} and returns the first answer.`;
  }
  const known = [AdNotFoundError, AdRequestRejectedError, AdRetryRefusedError, AdInputError, AdminError];
  return known.some((type) => err instanceof type) ? (err as Error).message : undefined;
}

export interface AdminCliDeps {
  /** Opens the client; the command line owns it and closes its connection when done. */
  connect(): Promise<Client>;
  io: CliIo;
}

export async function runAdminCli(argv: string[], deps: AdminCliDeps): Promise<number> {
  const { io } = deps;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const about = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    io.out(about ? commandHelp(rest[0]!, about) : generalHelp());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`error: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see ${ADMIN_BIN} --help)`);
    return 2;
  }

  let values: CommandContext['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true }));
  } catch (err) {
    io.err(`error: ${(err as Error).message} (see ${ADMIN_BIN} ${name} --help)`);
    return 2;
  }
  if (values.help) {
    io.out(commandHelp(name, command));
    return 0;
  }
  const expected = command.takesAdId ? 1 : 0;
  if (positionals.length !== expected) {
    io.err(`error: ${command.takesAdId ? 'give exactly one ad id' : `${name} takes no arguments`} (usage: ${ADMIN_BIN} ${command.usage})`);
    return 2;
  }

  const json = values.json === true;
  let client: Client | undefined;
  try {
    // A malformed --request-id is a typing mistake: say so before connecting.
    if (values['request-id'] !== undefined) commandRequestId(values['request-id'], positionals[0] ?? '', name, {});
    client = await deps.connect();
    // `ad-<id>`, the workflow id the Web UI shows, names the ad too (see ./adLookup for the rule).
    const adId = command.takesAdId ? await resolveAdId(client, positionals[0]!) : '';
    return await command.run({ client, adId, values, json, io });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message} (see ${ADMIN_BIN} ${name} --help)`);
      return 2;
    }
    if (err instanceof ConfigError) {
      for (const line of configErrorLines(err)) io.err(line);
      return 2;
    }
    const line = refusal(err);
    if (line === undefined) throw err;
    if (json) io.out(JSON.stringify({ error: line }));
    io.err(line);
    return 1;
  } finally {
    await client?.connection.close();
  }
}

