// The ad's static summary and details in the Temporal Web UI (set by the
// starter), built from the ad's input only. The summaries of each activity
// call and timer are made where the call is, from ./shortText.ts.
import type { AdFilmInput } from './contract';
import { firstWords, shortDuration, urlHost } from '../shared/shortText';

/** The workflow's static summary: "Ad spring-42: a bottle on a beach at…, 15 s, 16:9". */
export function adStaticSummary(input: Pick<AdFilmInput, 'adId' | 'prompt' | 'duration' | 'aspectRatio'>): string {
  const facts = [input.prompt?.trim() ? firstWords(input.prompt) : undefined, input.duration !== undefined ? `${input.duration} s` : undefined, input.aspectRatio];
  const described = facts.filter((f): f is string => f !== undefined);
  return `Ad ${input.adId}${described.length > 0 ? `: ${described.join(', ')}` : ''}`;
}

/** The workflow's static details (Markdown): what the ad was asked for, beyond the summary. */
export function adStaticDetails(input: Pick<AdFilmInput, 'images' | 'language' | 'review' | 'edits' | 'notifyUrl' | 'resumeFromTaskId'>): string {
  const lines = [`${input.images.length} image(s)${input.language ? `, narration in ${input.language}` : ''}`];
  if (input.review?.enabled) lines.push(`Review window ${shortDuration(input.review.windowMs)}, then ${input.review.onTimeout}`);
  if (input.edits?.length) lines.push(`${input.edits.length} edit(s) in the request`);
  if (input.resumeFromTaskId) lines.push(`Resumed from Vidu task \`${input.resumeFromTaskId}\``);
  if (input.notifyUrl) lines.push(`Completion webhook to ${urlHost(input.notifyUrl)}`);
  return lines.join('\n\n');
}
