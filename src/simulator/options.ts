// The simulator's settings and their defaults.
import type { MediaMode } from './render/mediaRenderer';
import type { Timing } from './taskLifecycle';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 'sim-key'; a wrong or missing key gets 401 Unauthorized. */
  apiKey?: string;
  /** Per-state durations: tests use milliseconds, the demo seconds. */
  timing?: { queueMs?: number; processingMs?: number; progressSteps?: number };
  /** Default 5 running tasks per account; the rest wait in `queueing`. */
  concurrencyLimit?: number;
  /** Default 100000; running out gets 400 CreditInsufficient. */
  initialCredits?: number;
  /** Default 3600000; media URLs stop working after this. */
  mediaTtlMs?: number;
  /**
   * What media URLs serve. 'rendered' (the default): real files made with
   * ffmpeg on first request (H.264 MP4 takes from the ad's images, composed
   * videos, MP3 tracks, PNG frames as covers), placeholders when no ffmpeg
   * works. 'placeholder': small well-formed files at once, for bulk tests and
   * benchmarks.
   */
  media?: MediaMode;
  /** Delay between callback retries, default 200. */
  callbackRetryDelayMs?: number;
  /**
   * Seeds the rolls of fault rates between 0 and 1 (HTTP rules, callback drop
   * and duplicate), so they fire on the same requests every run; reset()
   * starts the sequence again. Default: Math.random.
   */
  seed?: number;
  log?: (line: string) => void;
  /**
   * Told of every callback attempt just before it is posted (benchmarks time
   * callback-to-workflow latency from it). Must not throw or block.
   */
  onCallbackSent?: (sent: SentCallback) => void;
}

/** One callback attempt as it leaves the simulator. */
export interface SentCallback {
  taskId: string;
  state: string;
  /** The nonce of its signature, which the receiver forwards to the workflow. */
  nonce: string;
  /** Epoch milliseconds. */
  sentAt: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  apiKey: string;
  timing: Timing;
  concurrencyLimit: number;
  initialCredits: number;
  mediaTtlMs: number;
  media: MediaMode;
  callbackRetryDelayMs: number;
  seed: number | undefined;
  log: (line: string) => void;
  onCallbackSent: ((sent: SentCallback) => void) | undefined;
}

function check(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`simulator option ${name} must be a number >= ${min} (got ${value})`);
  return value;
}

export function isMediaMode(value: string): value is MediaMode {
  return value === 'rendered' || value === 'placeholder';
}

function mediaMode(value: string | undefined): MediaMode {
  if (value === undefined) return 'rendered';
  if (isMediaMode(value)) return value;
  throw new RangeError(`simulator option media must be 'rendered' or 'placeholder' (got ${JSON.stringify(value)})`);
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: check('port', options.port ?? 0, 0),
    apiKey: options.apiKey ?? 'sim-key',
    timing: {
      queueMs: check('timing.queueMs', options.timing?.queueMs ?? 1_000, 0),
      processingMs: check('timing.processingMs', options.timing?.processingMs ?? 5_000, 0),
      progressSteps: Math.floor(check('timing.progressSteps', options.timing?.progressSteps ?? 5, 1)),
    },
    concurrencyLimit: Math.floor(check('concurrencyLimit', options.concurrencyLimit ?? 5, 1)),
    initialCredits: check('initialCredits', options.initialCredits ?? 100_000, 0),
    mediaTtlMs: check('mediaTtlMs', options.mediaTtlMs ?? 3_600_000, 0),
    media: mediaMode(options.media),
    callbackRetryDelayMs: check('callbackRetryDelayMs', options.callbackRetryDelayMs ?? 200, 0),
    seed: options.seed === undefined ? undefined : Math.floor(check('seed', options.seed, 0)),
    log: options.log ?? (() => undefined),
    onCallbackSent: options.onCallbackSent,
  };
}
