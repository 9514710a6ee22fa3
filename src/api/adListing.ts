// GET /v1/ads: ads from Temporal visibility, newest first, filtered by the
// AdStage search attribute. The raw ListWorkflowExecutions call is used (not
// client.workflow.list, which hides the page token) so a page can be resumed
// from the opaque nextPageToken, handed to clients base64url-encoded and
// sealed with an HMAC tag: a token the API did not hand out is a 400 at once,
// and never reaches Temporal (which holds a forged one for seconds, then fails).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { AD_ID, AD_STAGE } from '../workflows/ad/searchAttributes';
import { AD_WORKFLOW_TYPE, type AdStage } from '../workflows/ad/contract';
import { badRequest } from './errors';

export interface AdSummary {
  adId: string;
  workflowId: string;
  stage: string;
  running: boolean;
  startTime: string;
  closeTime?: string;
}

export interface AdPage {
  ads: AdSummary[];
  nextPageToken?: string;
}

const STATUS = temporal.api.enums.v1.WorkflowExecutionStatus;
const GRPC_INVALID_ARGUMENT = 3;

/**
 * Only ad workflows, and only each ad's latest run: a run that continued as
 * new is closed but its ad lives on in the next run. The stage comes from a
 * closed list (AD_STAGES), so it is safe inside the query text.
 */
export function listQuery(stage?: AdStage): string {
  const clauses = [`WorkflowType = '${AD_WORKFLOW_TYPE}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (stage) clauses.push(`${AD_STAGE.name} = '${stage}'`);
  return clauses.join(' AND ');
}

function keyword(fields: Record<string, Payload> | null | undefined, name: string): string | undefined {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

const PAGE_TOKEN_RULE = 'must be a nextPageToken from an earlier answer';
const TAG_BYTES = 16;

/** Seals Temporal's page tokens for clients and opens them again; a token it did not seal does not open. */
export interface PageTokens {
  seal(raw: Uint8Array): string;
  /** Temporal's token inside `token`; undefined when `token` was not sealed with this secret. */
  open(token: string): Uint8Array | undefined;
}

/**
 * Page tokens sealed with `secret` (HMAC-SHA256, first 16 bytes, in front of Temporal's token).
 * API processes with the same secret read each other's tokens.
 */
export function pageTokenSealer(secret: Uint8Array | string): PageTokens {
  const tagOf = (raw: Uint8Array): Buffer => createHmac('sha256', secret).update(raw).digest().subarray(0, TAG_BYTES);
  return {
    seal: (raw) => Buffer.concat([tagOf(raw), raw]).toString('base64url'),
    open(token) {
      const bytes = Buffer.from(token, 'base64url');
      // base64url decoding skips what is not base64url; a token must be exactly what seal wrote.
      if (bytes.length <= TAG_BYTES || bytes.toString('base64url') !== token) return undefined;
      const raw = bytes.subarray(TAG_BYTES);
      return timingSafeEqual(bytes.subarray(0, TAG_BYTES), tagOf(raw)) ? raw : undefined;
    },
  };
}

function openPageToken(pageTokens: PageTokens, token: string | undefined): Uint8Array | undefined {
  if (token === undefined || token === '') return undefined;
  const raw = pageTokens.open(token);
  if (!raw) throw badRequest('pageToken', PAGE_TOKEN_RULE);
  return raw;
}

function summaryOf(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo): AdSummary {
  const workflowId = execution.execution?.workflowId ?? '';
  const fields = execution.searchAttributes?.indexedFields as Record<string, Payload> | undefined;
  const closeTime = optionalTsToDate(execution.closeTime);
  const running = execution.status === STATUS.WORKFLOW_EXECUTION_STATUS_RUNNING;
  return {
    adId: keyword(fields, AD_ID.name) ?? workflowId.replace(/^ad-/, ''),
    workflowId,
    stage: keyword(fields, AD_STAGE.name) ?? 'unknown',
    running,
    startTime: (optionalTsToDate(execution.startTime) ?? new Date(0)).toISOString(),
    ...(closeTime && !running ? { closeTime: closeTime.toISOString() } : {}),
  };
}

export async function listAds(client: Client, options: { stage?: AdStage; pageSize: number; pageToken?: string; pageTokens: PageTokens }): Promise<AdPage> {
  const nextPageToken = openPageToken(options.pageTokens, options.pageToken);
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: listQuery(options.stage),
      pageSize: options.pageSize,
      nextPageToken,
    });
  } catch (err) {
    // A token that is not one of Temporal's own comes back as INVALID_ARGUMENT.
    if ((err as { code?: number }).code === GRPC_INVALID_ARGUMENT && options.pageToken) throw badRequest('pageToken', PAGE_TOKEN_RULE);
    throw err;
  }
  const ads = response.executions.map(summaryOf);
  const next = response.nextPageToken && response.nextPageToken.length > 0 ? options.pageTokens.seal(response.nextPageToken) : undefined;
  return { ads, ...(next ? { nextPageToken: next } : {}) };
}
