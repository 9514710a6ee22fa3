// The one logger: JSON lines through pino, one object per line on stdout,
// at the level LOG_LEVEL sets. The worker, the receiver and the API log
// through it, and so does the Temporal SDK (see `temporalLogger`), so every
// line of a process has the same shape and can be searched by workflowId,
// adId or Vidu taskId.
//
// What must never appear in a line: the Vidu API key and signed media URLs.
// Nothing here logs request headers or Vidu's media URLs; the redact paths
// below are a second guard for fields with those names.
import type { LogLevel as SdkLogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

const REDACTED_FIELDS = ['apiKey', 'authorization', 'headers.authorization', 'creation_url', 'cover_url', 'callback_url', '*.apiKey', '*.authorization'];

/** A JSON logger; `destination` defaults to stdout (tests pass a stream to read the lines back). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than pino's numbers: readable without a lookup table.
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

const AD_WORKFLOW_ID = /^ad-(.+)$/;

/** The ad id inside an ad workflow's id (`ad-<adId>`), or undefined for any other workflow. */
export function adIdOfWorkflow(workflowId: unknown): string | undefined {
  if (typeof workflowId !== 'string') return undefined;
  return AD_WORKFLOW_ID.exec(workflowId)?.[1];
}

const PINO_LEVELS: Record<SdkLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The level of the SDK's native (Core, Rust) logs forwarded for a LOG_LEVEL.
 * Core's debug lines trace its state machines, dozens per workflow task:
 * LOG_LEVEL=debug keeps them out (the SDK's TypeScript side still logs every
 * workflow and activity start and end); only `trace` lets them in.
 */
export function coreLogLevel(level: LogLevel): SdkLogLevel {
  if (level === 'trace') return 'DEBUG';
  if (level === 'debug') return 'INFO';
  return level.toUpperCase() as SdkLogLevel;
}

/**
 * The SDK's meta as pino fields: string keys only (the SDK adds symbol keys
 * for its own bookkeeping), an `error` renamed `err` so that pino serialises
 * it with its stack, and the ad id added wherever the workflow id names an ad.
 */
function fieldsOf(meta: LogMetadata | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!meta) return fields;
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'error' && value instanceof Error) fields.err = value;
    else fields[key] = value;
  }
  const adId = fields.adId ?? adIdOfWorkflow(fields.workflowId);
  if (adId !== undefined) fields.adId = adId;
  return fields;
}

/**
 * The Temporal SDK's `Logger` writing through pino. The SDK hands over its
 * context as meta (workflowId, runId, workflowType, activityType, activityId,
 * taskQueue, namespace, sdkComponent...): each becomes a field of the line.
 */
export function temporalLogger(logger: Logger): SdkLogger {
  const write = (level: SdkLogLevel, message: string, meta?: LogMetadata) => logger[PINO_LEVELS[level]](fieldsOf(meta), message);
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
