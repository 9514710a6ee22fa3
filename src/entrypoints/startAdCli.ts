// `npm run start-ad -- --image <url or file> ... --prompt ...`: starts one ad
// from the command line. Local image files are read, checked and put in the
// artifact store (ARTIFACT_DIR), which the worker must share.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { LocalArtifactStore } from '../artifacts/artifactStore';
import { loadConfig, runMain } from '../config';
import { AdInputError, startAd, type StartAdRequest } from '../starter';
import { connectClient } from '../temporal/connection';
import type { AspectRatio, Language } from '../vidu/apiTypes';
import { isFinishedStage, type ReviewTimeoutOutcome } from '../workflows/messages';
import { watchAd } from './admin/adminActions';
import { parseDurationMs, parseWholeNumber, UsageError } from './admin/cliSupport';
import { renderProgressLine } from './admin/render';

const USAGE = `Usage: npm run start-ad -- --image <url|file> [--image ...] [options]

Starts a video ad from 1-7 product images (http(s) URLs or local png/jpeg/webp files).

  --image URL|FILE         a product image; repeat for more (required)
  --prompt TEXT            what the ad should show or say
  --duration SECONDS       10-60 (Vidu's default 15)
  --aspect-ratio RATIO     16:9, 9:16 or 1:1
  --language LANG          en or zh
  --ad-id ID               your id for this ad; starting the same id again returns the same ad
                           (default: a new id is made up and printed)
  --review                 wait for an operator (npm run admin) before composing
  --review-window TIME     how long the review may take, e.g. 30m (default 1h)
  --on-review-timeout WHAT compose-selected (default), keep-first-video or fail
  --max-edits N            most edits this ad may spend credits on
  --wait                   follow the ad until it finishes and print where the video was saved
  --json                   machine-readable output
  -h, --help               this text`;

function request(values: Record<string, string | boolean | string[] | undefined>, adId: string): StartAdRequest {
  const images = (values.image as string[] | undefined) ?? [];
  if (images.length === 0) throw new UsageError('--image is required (a URL or a local file; repeat it for more images)');
  const onTimeout = (values['on-review-timeout'] as string | undefined) ?? 'compose-selected';
  return {
    adId,
    images,
    prompt: values.prompt as string | undefined,
    duration: parseWholeNumber(values.duration as string | undefined, 'duration'),
    aspectRatio: values['aspect-ratio'] as AspectRatio | undefined,
    language: values.language as Language | undefined,
    maxEdits: parseWholeNumber(values['max-edits'] as string | undefined, 'max-edits'),
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
    const ad = await startAd(client, adRequest, { taskQueue: config.taskQueue, artifacts: new LocalArtifactStore(config.artifactDir), allowLocalFiles: true });
    if (values.json && !values.wait) console.log(JSON.stringify({ adId, workflowId: ad.workflowId }));
    else if (!values.json) console.log(`Ad ${adId} started (workflow ${ad.workflowId}, task queue ${config.taskQueue}).`);
    if (!values.wait) {
      if (!values.json) console.log(`Follow it with: npm run admin -- watch ${adId}`);
      return;
    }
    let lastLine = '';
    const final = await watchAd(client, adId, (status) => {
      const line = renderProgressLine(status);
      if (!values.json && line !== lastLine) console.log(line);
      lastLine = line;
    });
    if (values.json) console.log(JSON.stringify(final));
    else if (final.result) console.log(`Video saved to ${final.result.video.path}\nCover saved to ${final.result.cover.path}`);
    if (isFinishedStage(final.stage) && final.stage !== 'done') {
      console.error(`ad ${adId} ${final.stage}${final.lastError ? `: ${final.lastError}` : ''}`);
      process.exitCode = 1;
    }
  } catch (err) {
    if (!(err instanceof AdInputError)) throw err;
    // One line per problem, each naming the field (images[1] is the second --image).
    for (const issue of err.issues) console.error(`invalid ${issue.field}: ${issue.rule}`);
    process.exitCode = 1;
  } finally {
    await client.connection.close();
  }
});
