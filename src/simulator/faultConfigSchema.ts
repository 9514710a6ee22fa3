// Checks a FaultConfig arriving over HTTP (or from setFaults) so that a typo
// in a test's fault rule fails loudly instead of silently injecting nothing.
import { z } from 'zod';
import { CALLBACK_LIES, SIM_ENDPOINTS, type FaultConfig } from './faults';

const rate = z.number().min(0).max(1);
const nonNegativeMs = z.number().int().min(0);

const httpFault = z.strictObject({
  endpoint: z.enum([...SIM_ENDPOINTS, '*']),
  taskId: z.string().min(1).optional(),
  rate: rate.optional(),
  times: z.number().int().min(1).optional(),
  error: z
    .strictObject({ status: z.number().int().min(400).max(599), code: z.string().min(1), message: z.string().optional() })
    .optional(),
  latencyMs: nonNegativeMs.optional(),
  applyThenDrop: z.enum(['reset', 'timeout']).optional(),
  forMs: z.number().int().min(1).optional(),
  from: z.enum(['set', 'adSuccess']).optional(),
});

const callbackFault = z.strictObject({
  taskId: z.string().min(1).optional(),
  drop: rate.optional(),
  duplicate: rate.optional(),
  delayMs: nonNegativeMs.optional(),
  reorder: z.boolean().optional(),
  lies: z.array(z.enum(CALLBACK_LIES)).min(1).optional(),
});

const mediaFault = z.strictObject({
  expireNext: z.number().int().min(1).optional(),
  latencyMs: nonNegativeMs.optional(),
});

const taskFailureFault = z.strictObject({
  kind: z.enum(['ad', 'edit', 'compose']),
  errCode: z.string().min(1),
  times: z.number().int().min(1).optional(),
  editType: z.enum(['generate_video', 'generate_narration', 'generate_bgm']).optional(),
  adId: z.string().min(1).optional(),
});

const faultConfig = z.strictObject({
  http: z.array(httpFault).optional(),
  callbacks: callbackFault.optional(),
  taskFailures: z.array(taskFailureFault).optional(),
  media: mediaFault.optional(),
});

export type FaultConfigCheck = { ok: true; config: FaultConfig } | { ok: false; reason: string };

export function checkFaultConfig(input: unknown): FaultConfigCheck {
  const parsed = faultConfig.safeParse(input);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error) };
  const http = parsed.data.http ?? [];
  const pointless = http.findIndex((rule) => !rule.error && rule.latencyMs === undefined && !rule.applyThenDrop);
  if (pointless >= 0) return { ok: false, reason: `http[${pointless}] has no effect: give it error, latencyMs or applyThenDrop` };
  const both = http.findIndex((rule) => rule.error && rule.applyThenDrop);
  if (both >= 0) return { ok: false, reason: `http[${both}] has both error and applyThenDrop: an error means the request has no effect` };
  const media = parsed.data.media;
  if (media && media.expireNext === undefined && media.latencyMs === undefined) return { ok: false, reason: 'media has no effect: give it expireNext or latencyMs' };
  const failures = parsed.data.taskFailures ?? [];
  const adOfAd = failures.findIndex((rule) => rule.kind === 'ad' && rule.adId !== undefined);
  if (adOfAd >= 0) return { ok: false, reason: `taskFailures[${adOfAd}] has adId with kind ad: adId picks the ad whose edits or composes fail` };
  const editTypeOfNonEdit = failures.findIndex((rule) => rule.kind !== 'edit' && rule.editType !== undefined);
  if (editTypeOfNonEdit >= 0) return { ok: false, reason: `taskFailures[${editTypeOfNonEdit}] has editType but kind is not edit` };
  return { ok: true, config: parsed.data as FaultConfig };
}
