// What the activities need, handed to `createActivities` by the worker.
import type { ArtifactStore } from '../artifacts/artifactStore';
import type { WorkerMetrics } from '../metrics/workerMetrics';
import type { ViduClient } from '../vidu/viduClient';
import type { AccountShortfallPolicy } from '../workflows/ad/activityContract';
import type { HeartbeatRecorder } from './createEvidence';
import type { Backoff } from './heartbeat';

export interface ActivityDeps {
  vidu: ViduClient;
  artifacts: ArtifactStore;
  /**
   * Records a heartbeat through Temporal and resolves once it is stored: the
   * create's evidence that its request may have left (createEvidence.ts).
   * The worker builds it on its own connection.
   */
  recordHeartbeat: HeartbeatRecorder;
  /** Public URL of the webhook receiver; unset means no callbacks (the workflow polls). */
  callbackPublicUrl?: string;
  /** Backoff for rejections that prove nothing happened (429, OperationInProcess, 5xx, never sent). */
  rejectionBackoff?: Backoff;
  /**
   * After an unclear edit or compose outcome, how long the next attempt keeps
   * looking in the sub-records for the record the first request may have
   * made before it sends again. Default 30 s.
   */
  recordLookupMs?: number;
  /** Largest final video or cover accepted, in bytes. Default 2 GiB. */
  maxMediaBytes?: number;
  /** Per media download: how long to wait for headers and between chunks. Default 60 s. */
  downloadTimeoutMs?: number;
  /**
   * Media (and their redirects) on private and loopback hosts allowed too
   * (VIDU_MEDIA_ALLOW_PRIVATE_HOSTS, for local testing); off by default: only
   * global unicast addresses, except the Vidu API's own origin, trusted by configuration.
   */
  mediaAllowPrivateHosts?: boolean;
  /** Completion webhooks: without a signing secret, an ad's notification fails (the ad does not). */
  notify?: NotifyDeps;
  /**
   * What an ad does when the Vidu account has fewer credits left than its
   * create needs (ACCOUNT_CREDITS_SHORTFALL, ACCOUNT_CREDITS_RECHECK_MS):
   * wait, checking again every `recheckMs`, or fail. Default: wait, every 5 minutes.
   */
  accountShortfall?: AccountShortfallPolicy;
  /** Where credits, saved files and delivered webhooks are counted (the worker's /metrics); none in most tests. */
  metrics?: WorkerMetrics;
}

export interface NotifyDeps {
  /** A Standard Webhooks secret: "whsec_" then base64 (NOTIFY_SIGNING_SECRET). */
  signingSecret?: string;
  /** Send to private and loopback hosts too (NOTIFY_ALLOW_PRIVATE_HOSTS); off by default. */
  allowPrivateHosts?: boolean;
  /** Per attempt: how long to wait for the receiver's answer. Default 15 s. */
  timeoutMs?: number;
}
