// `npm run campaign -- <command>`: start a campaign from a brief file, show it,
// and approve, edit or cancel its ads at campaign level. Exit status: 0 done,
// 1 refused or invalid, 2 a usage or configuration mistake.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { ImageStore } from '../../starter/images';
import { getCampaignHandle, type CampaignHandle } from '../../starter/campaignHandle';
import { AdInputError, AdNotFoundError, AdRequestRejectedError } from '../../starter/errors';
import { startCampaign } from '../../starter/startCampaign';
import type { CampaignInput, CampaignStatus } from '../../workflows/campaign/contract';
import type { EditKind } from '../../workflows/ad/contract';
import { parseWholeNumber, truncate, UsageError } from '../admin/cliSupport';

export const CAMPAIGN_USAGE = `Usage: npm run campaign -- <command> [options]

  start BRIEF.json      start the campaign the brief describes (images may be files, relative to the brief)
  show ID               its stage, progress, credits and every variant
  approve ID            approve every ad of the campaign in review
  edit ID (--storyboard N | --narration | --bgm) --prompt TEXT
                        ask the same edit of every ad in review
  cancel ID [--reason TEXT]
                        start no more variants and cancel every ad still running

Options: --variants KEY,KEY (approve, edit: only these variants), --request-id ID (names the request:
repeating it returns the first answer and spends nothing more), --json, -h/--help.

A brief: {"campaignId": "spring", "images": ["bottle.png"], "prompt": "...",
  "variants": {"aspectRatios": ["16:9", "9:16", "1:1"], "languages": ["en", "zh"], "durations": [15, 30]},
  "variantPrompts": {"16x9-zh-15s": "..."}, "priorities": {"9x16-en-15s": 1}, "maxConcurrent": 5,
  "ads": {"review": {"enabled": true, "windowMs": 3600000, "onTimeout": "compose-selected"}}}
or "products": [{"productId": "mug", "images": [...], "prompt": "..."}, ...] instead of "images".`;

export interface CampaignCliDeps {
  connect(): Promise<Client>;
  taskQueue: string;
  artifacts: ImageStore;
  out(line: string): void;
  err(line: string): void;
}

const OPTIONS = {
  storyboard: { type: 'string' },
  narration: { type: 'boolean' },
  bgm: { type: 'boolean' },
  prompt: { type: 'string' },
  reason: { type: 'string' },
  variants: { type: 'string' },
  'request-id': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function editTarget(values: Values): { kind: EditKind; storyboardIndex?: number } {
  const chosen = [values.storyboard !== undefined, values.narration === true, values.bgm === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('edit: choose exactly one of --storyboard N, --narration or --bgm');
  if (values.narration) return { kind: 'narration' };
  if (values.bgm) return { kind: 'bgm' };
  return { kind: 'video', storyboardIndex: parseWholeNumber(values.storyboard, 'storyboard') };
}

export function renderCampaign(status: CampaignStatus): string[] {
  const counts = Object.entries(status.byStage).map(([stage, n]) => `${n} ${stage}`).join(', ');
  const lines = [
    `Campaign ${status.campaignId}: ${status.stage}, ${status.progress}%`,
    `  ads: ${status.total} (${counts}); at Vidu ${status.atVidu} of at most ${status.maxConcurrent ?? '?'}; credits spent ${status.creditsSpent}`,
    ...(status.budget
      ? [`  budget ${status.budget.limit}: ${status.budget.reserved} allotted to running ads, ${status.budget.spent} spent by ended ads, ${(status.budget.limit ?? 0) - status.budget.reserved - status.budget.spent} free`]
      : []),
    '',
    '  VARIANT              STAGE       PROGRESS  CREDITS  AD',
  ];
  for (const v of status.variants) {
    const stage = v.state === 'started' ? (v.stage ?? 'creating') : v.state;
    lines.push(`  ${v.key.padEnd(20)} ${stage.padEnd(11)} ${`${v.progress}%`.padStart(8)}  ${String(v.creditsSpent).padStart(7)}  ${v.adId}${v.error ? `  (${truncate(v.error, 60)})` : ''}`);
  }
  return lines;
}

async function readBrief(file: string): Promise<CampaignInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`start: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text) as CampaignInput;
  } catch (err) {
    throw new UsageError(`start: ${file} is not JSON (${(err as Error).message})`);
  }
}

export async function runCampaignCli(argv: string[], deps: CampaignCliDeps): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    deps.err(`error: ${(err as Error).message} (see --help)`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  if (values.help || command === undefined) {
    deps.out(CAMPAIGN_USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const print = (json: unknown, text: string[]) => (values.json ? deps.out(JSON.stringify(json)) : text.forEach((line) => deps.out(line)));
  let client: Client | undefined;
  try {
    if (!['start', 'show', 'approve', 'edit', 'cancel'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (target === undefined) throw new UsageError(`${command}: ${command === 'start' ? 'the brief file' : 'the campaign id'} is required`);
    const variantKeys = values.variants?.split(',').map((k) => k.trim()).filter(Boolean);
    const requestId = values['request-id'];
    const request = { ...(requestId !== undefined && { requestId }), ...(variantKeys && { variantKeys }) };
    const editRequest = command === 'edit' ? { ...editTarget(values), prompt: values.prompt ?? '', ...request } : undefined;
    if (editRequest && !values.prompt) throw new UsageError('edit: --prompt is required');
    client = await deps.connect();
    if (command === 'start') {
      const brief = await readBrief(target);
      const campaign = await startCampaign(client, brief, { taskQueue: deps.taskQueue, artifacts: deps.artifacts, allowLocalFiles: true, baseDir: path.dirname(path.resolve(target)) });
      print({ campaignId: campaign.campaignId, workflowId: campaign.workflowId, started: true }, [
        `Campaign ${campaign.campaignId} started (workflow ${campaign.workflowId}, task queue ${deps.taskQueue}).`,
        `Follow it with: npm run campaign -- show ${campaign.campaignId}`,
      ]);
      return 0;
    }
    const campaign: CampaignHandle = getCampaignHandle(client, target);
    if (command === 'show') {
      const status = await campaign.status();
      print(status, renderCampaign(status));
      return 0;
    }
    const accepted =
      command === 'approve' ? await campaign.approve(request) : command === 'edit' ? await campaign.edit(editRequest!) : await campaign.cancel({ ...request, ...(values.reason && { reason: values.reason }) });
    print(accepted, [`${command} ${accepted.requestId}: sent to ${accepted.adIds.length} ad(s)${accepted.adIds.length ? `: ${accepted.adIds.join(', ')}` : ''}`]);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      deps.err(`error: ${err.message} (see --help)`);
      return 2;
    }
    if (err instanceof AdInputError) {
      for (const issue of err.issues) deps.err(`invalid ${issue.field}: ${issue.rule}`);
      return 1;
    }
    if (err instanceof AdRequestRejectedError || err instanceof AdNotFoundError) {
      deps.err(`error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await client?.connection.close();
  }
}
