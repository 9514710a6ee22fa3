// `npm run start-ad -- --image <url or file> ... --prompt ...`: starts one ad
// from the command line. Local image files are read, checked and put in the
// artifact store (ARTIFACT_DIR), which the worker must share. An ad id that is
// taken starts nothing: the command says how that ad stands and exits 0, so a
// repeated command (a retried job) is harmless (with --wait it follows that ad).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { artifactStoreFromConfig } from '../../artifacts/artifactStoreFromConfig';
import { loadConfig, runMain } from '../../config';
import { AdInputError, getAdHandle, startAd, type StartAdRequest } from '../../starter';
import { connectClient } from '../../temporal/connection';
import type { AspectRatio, Language } from '../../vidu/apiTypes';
import { DEFAULT_MAX_EDITS, DEFAULT_TASK_QUEUE, isFinishedStage, type AdFilmResult, type ReviewTimeoutOutcome } from '../../workflows/ad/contract';
import { findAd, type FoundAd } from '../admin/adLookup';
import { watchAd } from '../admin/adminActions';
import { ADMIN_BIN, parseDurationMs, parseWholeNumber, UsageError } from '../admin/cliSupport';
import { ProgressDisplay } from '../admin/progressDisplay';

const USAGE = `Usage: npm run start-ad -- --image <url|file> [--image ...] [options]

Starts a video ad from 1-7 product images (http(s) URLs or local png/jpeg/webp files).

  --image URL|FILE         a product image; repeat for more (required)
  --prompt TEXT            what the ad should show or say (default: none, Vidu works from the images)
  --duration SECONDS       10-60 (default 15, Vidu's default)
  --aspect-ratio RATIO     16:9, 9:16 or 1:1 (default 16:9, Vidu's default)
  --language LANG          zh or en: the language of the narration (default zh, Vidu's default;
                           pass --language en for English)
  --ad-id ID               your id for this ad: 1-128 letters, digits, ".", "_" or "-"
                           (default: cli-<date>-<6 hex>, made up and printed)
  --review                 wait for an operator (${ADMIN_BIN}) before composing (default: no review)
  --review-window TIME     how long the review may take, e.g. 30m (default 1h)
  --on-review-timeout WHAT compose-selected (default), keep-first-video or fail
  --max-edits N            most edits this ad may spend credits on (default ${DEFAULT_MAX_EDITS})
  --max-credits N          the ad's credit budget: a create, edit or compose that would go past it
                           is refused before anything is sent (default: no limit)
  --wait                   follow the ad until it finishes and print where the video was saved
  --json                   machine-readable output
  -h, --help               this text

An ad id is one ad. If the id is taken, nothing is started and nothing is spent: the command says
"ad <id> already running (<stage>)" or "ad <id> already exists (done|failed|cancelled|...)" and
exits 0 (with --wait it follows that ad and exits as it ends). Use a new --ad-id for a new ad, or
${ADMIN_BIN} retry <id> to run a failed one again.
Exit status: 0 started (or already there), 1 an invalid request or (with --wait) an ad that failed
or was cancelled, 2 a usage or configuration mistake.

Environment: TEMPORAL_ADDRESS (default 127.0.0.1:7233), TEMPORAL_NAMESPACE (default "default") and
Temporal's other TEMPORAL_* settings; AD_TASK_QUEUE (default ${DEFAULT_TASK_QUEUE}) and ARTIFACT_DIR
(default ./artifacts) or ARTIFACT_STORE (s3://bucket/prefix, with the AWS_* settings), all as the
worker has them: local images are stored there for it.`;

function request(values: Record<string, string | boolean | string[] | undefined>, adId: string): StartAdRequest {
  const images = (values.image as string[] | undefined) ?? [];
  if (images.length === 0) {
    // `npm run start-ad --image x` (no "--") hands the flags to npm, which passes them on as npm_config_* variables.
    const npmTookIt = process.env.npm_config_image !== undefined ? '; npm took the flags for itself: write npm run start-ad -- --image ...' : '';
    throw new UsageError(`--image is required (a URL or a local file; repeat it for more images)${npmTookIt}`);
  }
  const onTimeout = (values['on-review-timeout'] as string | undefined) ?? 'compose-selected';
  return {
    adId,
    images,
    prompt: values.prompt as string | undefined,
    duration: parseWholeNumber(values.duration as string | undefined, 'duration'),
    aspectRatio: values['aspect-ratio'] as AspectRatio | undefined,
    language: values.language as Language | undefined,
    maxEdits: parseWholeNumber(values['max-edits'] as string | undefined, 'max-edits'),
    maxCredits: parseWholeNumber(values['max-credits'] as string | undefined, 'max-credits'),
    review: values.review
      ? {
          enabled: true,
          windowMs: values['review-window'] ? parseDurationMs(values['review-window'] as string, 'review-window') : 3_600_000,
          onTimeout: onTimeout as ReviewTimeoutOutcome,
        }
      : undefined,
  };
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      image: { type: 'string', multiple: true },
      prompt: { type: 'string' },
      duration: { type: 'string' },
      'aspect-ratio': { type: 'string' },
      language: { type: 'string' },
      'ad-id': { type: 'string' },
      review: { type: 'boolean' },
      'review-window': { type: 'string' },
      'on-review-timeout': { type: 'string' },
      'max-edits': { type: 'string' },
      'max-credits': { type: 'string' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const adId = values['ad-id'] ?? `cli-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  let adRequest: StartAdRequest;
  try {
    adRequest = request(values, adId);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`error: ${err.message} (see --help)`);
    process.exitCode = 2;
    return;
  }

  const client = await connectClient();
  try {
    // A taken id starts nothing, and its images need not be read or stored again.
    const existing = await findAd(client, adId);
    if (existing) {
      sayExisting(existing, values.json === true, values.wait === true);
      if (values.wait) process.exitCode = await followExisting(client, existing, values.json === true);
      return;
    }
    const ad = await startAd(client, adRequest, { taskQueue: config.taskQueue, artifacts: artifactStoreFromConfig(config), allowLocalFiles: true });
    if (values.json && !values.wait) console.log(JSON.stringify({ adId, workflowId: ad.workflowId, started: true }));
    else if (!values.json) console.log(`Ad ${adId} started (workflow ${ad.workflowId}, task queue ${config.taskQueue}).`);
    if (!values.wait) {
      if (!values.json) console.log(`Follow it with: npm run admin -- watch ${adId}`);
      return;
    }
    process.exitCode = await follow(client, adId, values.json === true);
  } catch (err) {
    if (!(err instanceof AdInputError)) throw err;
    // One line per problem, each naming the field (images[1] is the second --image).
    for (const issue of err.issues) console.error(`invalid ${issue.field}: ${issue.rule}`);
    process.exitCode = 1;
  } finally {
    await client.connection.close();
  }
}, { envFile: true });

/** "ad X already running (stage)" / "ad X already exists (done)": nothing started; and what to do instead. */
function sayExisting(ad: FoundAd, json: boolean, wait: boolean): void {
  if (json) {
    if (!wait) console.log(JSON.stringify({ adId: ad.adId, workflowId: ad.workflowId, started: false, running: ad.running, stage: ad.standing, status: ad.status }));
    return;
  }
  console.log(ad.running ? `ad ${ad.adId} already running (${ad.standing}): nothing started` : `ad ${ad.adId} already exists (${ad.standing}): nothing started`);
  if (wait) return;
  if (ad.running) console.log(`Follow it with: npm run admin -- watch ${ad.adId}`);
  else if (ad.standing === 'done') console.log(`See it with: npm run admin -- show ${ad.adId}. For a new ad, use a new --ad-id.`);
  else console.log(`Run it again under this id with: npm run admin -- retry ${ad.adId}. For a new ad, use a new --ad-id.`);
}

/** Follows an ad to its end (progress on stdout); answers the exit status: 0 done, 1 failed or cancelled. */
async function follow(client: Client, adId: string, json: boolean): Promise<number> {
  const display = new ProgressDisplay({ out: (line) => console.log(line), write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true });
  const final = await watchAd(client, adId, (status) => {
    if (!json) display.show(status);
  });
  display.end();
  if (json) console.log(JSON.stringify(final));
  else if (final.result) printSaved(final.result);
  if (isFinishedStage(final.stage) && final.stage !== 'done') {
    console.error(`ad ${adId} ${final.stage}${final.lastError ? `: ${final.lastError}` : ''}`);
    return 1;
  }
  return 0;
}

/**
 * --wait on a taken id: a running ad is followed; a finished one answers from
 * its stored result (Temporal keeps it; no worker needed to read it).
 */
async function followExisting(client: Client, ad: FoundAd, json: boolean): Promise<number> {
  if (ad.running) return follow(client, ad.adId, json);
  try {
    const result = await getAdHandle(client, ad.adId).result();
    if (json) console.log(JSON.stringify({ adId: ad.adId, workflowId: ad.workflowId, started: false, stage: ad.standing, result }));
    else printSaved(result);
    return 0;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const reason = err.cause?.message ?? err.message;
    if (json) console.log(JSON.stringify({ adId: ad.adId, workflowId: ad.workflowId, started: false, stage: ad.standing, error: reason }));
    console.error(`ad ${ad.adId} ${ad.standing}: ${reason}`);
    return 1;
  }
}

function printSaved(result: AdFilmResult): void {
  console.log(`Video saved to ${result.video.path}\nCover saved to ${result.cover.path}`);
}
