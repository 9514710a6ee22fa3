// OpenTelemetry tracing as the services run it: the worker (`npm run worker`)
// and the webhook receiver (`npm run receiver`) as child processes with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small OTLP/HTTP collector in this
// process, one ad with callbacks, and the spans they export checked: each
// activity has its span with the Vidu HTTP calls under it, the trace carries
// on through the workflow (the starter's start, the receiver's signal and the
// operator's update each become the parent of the activities they led to), the
// ad stays replayable after a traced update, and no span holds the API key or
// a signed media URL. Without the OTEL variables tracing stays off.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ConfigError } from '../../src/config';
import { freePort } from '../../src/tools/ports';
import { startViduSimulator, type ViduSimulator } from '../../src/simulator';
import { PROJECT_ROOT } from '../../src/tools/projectRoot';
import { startTracing, tracingSettings } from '../../src/tracing';
import { adFilmWorkflow } from '../../src/workflows/ad/workflow';
import { approveUpdate, editUpdate, statusQuery, workflowIdForAd } from '../../src/workflows/ad/contract';
import { TRACE_HEADER } from '../../src/workflows/shared/traceContext';
import { describeHits, findSecrets } from '../faults/secretScan';

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpBody {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: OtlpAttribute[] }> }>;
  }>;
}

/** Top-level scalar attributes only: enough for the names and ids checked here. */
function attributesOf(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
  return out;
}

/** An OTLP/HTTP traces endpoint (JSON) that keeps what it is sent. */
async function startCollector(): Promise<{ url: string; bodies: string[]; spans(): Span[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    spans: () =>
      bodies.flatMap((text) =>
        ((JSON.parse(text) as OtlpBody).resourceSpans ?? []).flatMap((rs) => {
          const service = String(attributesOf(rs.resource?.attributes)['service.name']);
          return (rs.scopeSpans ?? []).flatMap((ss) =>
            (ss.spans ?? []).map((s) => ({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, attributes: attributesOf(s.attributes) })),
          );
        }),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface ChildService {
  output(): string;
  stop(): Promise<void>;
}

function spawnService(script: string, env: NodeJS.ProcessEnv): ChildService & { child: ChildProcess } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function until(what: string, check: () => Promise<boolean> | boolean, alive: () => void, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    alive();
    if (await Promise.resolve().then(check).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('OpenTelemetry traces of one ad', { timeout: 300_000 }, () => {
  const apiKey = `vidu-key-${randomBytes(12).toString('hex')}`;
  // The starter's own trace: the ad's run must continue it (W3C trace context in the start's headers).
  const traceId = randomBytes(16).toString('hex');
  const starterSpanId = randomBytes(8).toString('hex');
  // The operator's own trace, sent with the edit update.
  const operatorTraceId = randomBytes(16).toString('hex');
  const operatorSpanId = randomBytes(8).toString('hex');
  const adId = `tracing-${process.pid}`;
  const workflowId = workflowIdForAd(adId);
  const stops: Array<() => Promise<unknown>> = [];
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let spans: Span[];
  let sim: ViduSimulator;
  let replayed: Promise<void>;
  let updatesAccepted: number;

  before(async () => {
    const address = process.env.TEMPORAL_ADDRESS;
    const bundle = process.env.TEST_WORKFLOW_BUNDLE;
    if (!address || !bundle) throw new Error('TEMPORAL_ADDRESS and TEST_WORKFLOW_BUNDLE must be set: run through test/run.ts');
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    collector = await startCollector();
    stops.push(() => collector.close());
    const scratch = await mkdtemp(path.join(tmpdir(), 'observability-tracing-'));
    stops.push(() => rm(scratch, { recursive: true, force: true }));
    sim = await startViduSimulator({ apiKey, timing: { queueMs: 50, processingMs: 800, progressSteps: 2 }, media: 'placeholder' });
    stops.push(() => sim.close());

    const receiverPort = await freePort();
    const callbackUrl = `http://127.0.0.1:${receiverPort}/vidu/callback`;
    const taskQueue = `observability-tracing-${process.pid}`;
    const common = {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      VIDU_API_KEY: apiKey,
      CALLBACK_PUBLIC_URL: callbackUrl,
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_TRACES_EXPORTER: 'otlp',
      // Spans leave within a fifth of a second rather than the default five.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const receiver = spawnService('src/entrypoints/receiver/main.ts', { ...common, OTEL_SERVICE_NAME: 'tracing-test-receiver', RECEIVER_HOST: '127.0.0.1', RECEIVER_PORT: String(receiverPort), RECEIVER_METRICS_PORT: 'off' });
    const worker = spawnService('src/entrypoints/worker/main.ts', {
      ...common,
      OTEL_SERVICE_NAME: 'tracing-test-worker',
      AD_TASK_QUEUE: taskQueue,
      VIDU_BASE_URL: sim.url,
      VIDU_TIMEOUT_MS: '5000',
      ARTIFACT_DIR: path.join(scratch, 'artifacts'),
      WORKFLOW_BUNDLE_PATH: bundle,
      WORKER_METRICS_PORT: 'off',
      WORKER_APP_METRICS_PORT: 'off',
    });
    // Stopped before the collector closes: each flushes its last spans on the way out.
    stops.push(() => receiver.stop(), () => worker.stop());
    const alive = () => {
      for (const [name, service] of [['receiver', receiver], ['worker', worker]] as const) {
        if (service.child.exitCode !== null) throw new Error(`the ${name} exited (${service.child.exitCode}):\n${service.output().slice(-3000)}`);
      }
    };
    await until('the receiver', async () => (await fetch(`http://127.0.0.1:${receiverPort}/healthz`)).ok, alive);
    const connection = await Connection.connect({ address });
    stops.push(() => connection.close());
    const workflowQueue = { namespace, taskQueue: { name: taskQueue }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW };
    await until('the worker to poll', async () => (await connection.workflowService.describeTaskQueue(workflowQueue)).pollers.length > 0, alive);
    const withTraceContext = <T extends { headers: Record<string, unknown> }>(input: T, trace: string, span: string): T => ({
      ...input,
      // The header the SDK's OpenTelemetry interceptors read the W3C trace context from.
      headers: { ...input.headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: `00-${trace}-${span}-01` }) },
    });
    const starter: WorkflowClientInterceptor = {
      start: (input, next) => next(withTraceContext(input, traceId, starterSpanId)),
      startWithDetails: (input, next) => next(withTraceContext(input, traceId, starterSpanId)),
    };
    const operator: WorkflowClientInterceptor = { startUpdate: (input, next) => next(withTraceContext(input, operatorTraceId, operatorSpanId)) };
    const client = new Client({ connection, namespace, interceptors: { workflow: [starter] } });
    const handle = await client.workflow.start(adFilmWorkflow, {
      taskQueue,
      workflowId,
      // Callbacks only (polling every two minutes): the receiver must signal the ad.
      args: [
        {
          adId,
          images: ['https://example.com/products/bottle.png'],
          prompt: 'a bottle on a beach',
          duration: 15,
          language: 'en',
          polling: { initialMs: 120_000, maxMs: 120_000 },
          review: { enabled: true, windowMs: 600_000, onTimeout: 'fail' },
        },
      ],
    });
    await until('the review stage', async () => (await handle.query(statusQuery)).stage === 'review', alive);
    const operatorHandle = new Client({ connection, namespace, interceptors: { workflow: [operator] } }).workflow.getHandle(workflowId);
    await operatorHandle.executeUpdate(editUpdate, { args: [{ kind: 'video', storyboardIndex: 0, prompt: 'closer on the bottle' }] });
    await until('the edit to finish', async () => (await handle.query(statusQuery)).edits.every((e) => e.state === 'succeeded'), alive);
    await operatorHandle.executeUpdate(approveUpdate.name, { args: [{}] });
    await handle.result();
    await receiver.stop();
    await worker.stop();
    spans = collector.spans();
    // The ad that received traced updates still replays on the same code (a worker restart or a query on the finished ad needs that).
    const history = await handle.fetchHistory();
    updatesAccepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    Runtime.install({ logger: new DefaultLogger('WARN') });
    replayed = Worker.runReplayHistory({ workflowBundle: { codePath: bundle } }, history, workflowId);
    replayed.catch(() => undefined);
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  const named = (name: string, service?: string) => spans.filter((s) => s.name === name && (service === undefined || s.service === service));
  const one = (name: string, where: (s: Span) => boolean = () => true) => {
    const found = spans.find((s) => s.name === name && where(s));
    assert.ok(found, `a ${name} span among ${[...new Set(spans.map((s) => `${s.service}/${s.name}`))].join(', ')}`);
    return found;
  };

  it('puts each Vidu HTTP call under the span of the activity that made it', () => {
    const activity = one('RunActivity:createAdTask', (s) => s.attributes.temporalWorkflowId === workflowId);
    assert.equal(activity.service, 'tracing-test-worker', 'OTEL_SERVICE_NAME names the service');
    const vidu = one('vidu createAd', (s) => s.traceId === activity.traceId);
    assert.equal(vidu.parentSpanId, activity.spanId, 'the Vidu call is a child of the activity span');
    assert.equal(vidu.attributes['vidu.endpoint'], 'createAd');
    assert.equal(vidu.attributes['vidu.status'], '200');
    assert.equal(vidu.attributes['http.request.method'], 'POST');
    const polls = named('RunActivity:getTaskState', 'tracing-test-worker').filter((s) => s.attributes.temporalWorkflowId === workflowId);
    assert.ok(polls.length >= 1, 'the polls of the main task have spans too');
    assert.ok(polls.every((poll) => spans.some((s) => s.name === 'vidu getCreations' && s.parentSpanId === poll.spanId)), 'each poll has its Vidu call');
  });

  it("records the receiver's signals as spans naming the ad's workflow", () => {
    const signals = named('SignalWorkflow:viduCallback', 'tracing-test-receiver');
    assert.ok(signals.length >= 1, 'the receiver made a span for its signal');
    assert.ok(signals.every((s) => s.attributes.temporalWorkflowId === workflowId));
  });

  it("continues the starter's trace into the ad's first activity", () => {
    const create = one('RunActivity:createAdTask', (s) => s.attributes.temporalWorkflowId === workflowId);
    assert.equal(create.traceId, traceId, "the create runs in the starter's trace");
    assert.equal(create.parentSpanId, starterSpanId, "under the starter's span");
  });

  it("follows one trace from the receiver's signal through the workflow to the Vidu HTTP call", () => {
    const signals = named('SignalWorkflow:viduCallback', 'tracing-test-receiver');
    const ledBySignal = spans.filter((s) => s.name.startsWith('RunActivity:') && signals.some((signal) => signal.spanId === s.parentSpanId && signal.traceId === s.traceId));
    assert.ok(ledBySignal.length >= 1, `an activity under a receiver signal among ${spans.map((s) => s.name).join(', ')}`);
    const viduCalls = spans.filter((s) => s.name.startsWith('vidu ') && ledBySignal.some((activity) => activity.spanId === s.parentSpanId && activity.traceId === s.traceId));
    assert.ok(viduCalls.length >= 1, `a Vidu HTTP call under ${ledBySignal.map((s) => s.name).join(', ')}`);
  });

  it("puts the edit an operator asked for by update in the operator's trace", () => {
    const edit = one('RunActivity:startEdit', (s) => s.attributes.temporalWorkflowId === workflowId);
    assert.equal(edit.traceId, operatorTraceId);
    assert.equal(edit.parentSpanId, operatorSpanId);
    const viduEdit = spans.find((s) => s.parentSpanId === edit.spanId && s.name.startsWith('vidu '));
    assert.ok(viduEdit, 'the edit request to Vidu is under the edit activity');
    assert.equal(named('HandleUpdate:edit').length, 0, 'no spans are made inside the workflow');
  });

  it('leaves an ad that received traced updates replayable', async () => {
    assert.equal(updatesAccepted, 2, 'the history holds the edit and the approval as updates');
    await replayed;
  });

  it('exports neither the API key nor a signed media URL', () => {
    assert.ok(collector.bodies.length > 0);
    const hits = collector.bodies.flatMap((body, i) => findSecrets(body, `export ${i + 1}`, apiKey));
    assert.equal(hits.length, 0, `secrets exported:\n${describeHits(hits)}`);
  });
});

describe('tracing settings', () => {
  it('stays off without an OTLP endpoint, with OTEL_TRACES_EXPORTER=none and with OTEL_SDK_DISABLED=true', async () => {
    assert.equal(tracingSettings({ OTEL_SERVICE_NAME: 'x' }, 'svc'), undefined);
    assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }, 'svc'), undefined);
    assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, 'svc'), undefined);
    // Off installs nothing: no tracer provider, so the API's tracers stay no-ops in this process.
    assert.equal(await startTracing({}, 'svc'), undefined);
    assert.equal(trace.getTracer('check').startSpan('probe').isRecording(), false);
    // The workflow interceptors' spans are dropped by the worker's sink.
  });

  it('turns on with either endpoint, naming the service and the traces URL', () => {
    assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }, 'vidu-ad-worker'), {
      serviceName: 'vidu-ad-worker',
      tracesEndpoint: 'http://127.0.0.1:4318/v1/traces',
    });
    assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/traces', OTEL_SERVICE_NAME: 'ads' }, 'vidu-ad-worker'), {
      serviceName: 'ads',
      tracesEndpoint: 'http://127.0.0.1:9999/traces',
    });
  });

  it('refuses what it cannot do, naming the setting', () => {
    const refused = (env: Record<string, string>, setting: string) =>
      assert.throws(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', ...env }, 'svc'), (err) => err instanceof ConfigError && err.setting === setting);
    refused({ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER');
    refused({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL');
    refused({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
    refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
