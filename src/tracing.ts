// Optional OpenTelemetry tracing, switched on by the standard OTEL_* variables:
// on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is
// set (and neither OTEL_TRACES_EXPORTER=none nor OTEL_SDK_DISABLED=true).
// Spans go to that endpoint as OTLP over HTTP (JSON), batched.
//
// What is traced: the clients that start, signal and update ads (the API, the
// receiver) record each call as a span (the SDK's client interceptor); each
// activity runs in a span (the activity interceptor) with the Vidu client's
// HTTP calls (src/vidu/viduClient.ts) under it. Between the two, the workflow
// passes the trace context of its start, of the last signal and of the last
// accepted update on to the activities it schedules next
// (src/workflows/shared/traceContext.ts), so a receiver's signal, the activity it led
// to and that activity's Vidu call are one trace.
//
// The SDK's own workflow interceptors (which would also make spans inside the
// workflow) are not used: in SDK 1.24 they make a workflow that received an
// update unreplayable ("Update machine does not handle this event:
// TimerCanceled"), so a worker restart or a query on a finished ad would fail.
//
// Off, nothing of the SDK is loaded (it is imported only here, and only when
// on), no interceptor is installed and the Vidu client's spans are the API's no-ops.
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { ConfigError, httpUrl, text as setting, type Env } from './config';

export interface TracingSettings {
  serviceName: string;
  /** Where spans go, for the start-up log: the traces endpoint as the exporter derives it. */
  tracesEndpoint: string;
}

/**
 * Whether tracing is on, and how, from the standard OTEL_* variables; undefined when off.
 * Only what this service supports is accepted: the OTLP exporter over HTTP with JSON.
 */
export function tracingSettings(env: Env, defaultServiceName: string): TracingSettings | undefined {
  if (setting(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const exporter = setting(env, 'OTEL_TRACES_EXPORTER');
  if (exporter === 'none') return undefined;
  if (exporter !== undefined && exporter !== 'otlp') throw new ConfigError('OTEL_TRACES_EXPORTER', `must be "otlp" or "none" (got "${exporter}")`);
  const tracesEndpoint = httpUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (tracesEndpoint === undefined && endpoint === undefined) return undefined;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = setting(env, name);
    if (protocol !== undefined && protocol !== 'http/json') throw new ConfigError(name, `must be "http/json", the protocol this service exports with (got "${protocol}")`);
  }
  return {
    serviceName: setting(env, 'OTEL_SERVICE_NAME') ?? defaultServiceName,
    // The exporter's own rule: the traces endpoint as given, else the base endpoint plus /v1/traces.
    tracesEndpoint: tracesEndpoint ?? `${endpoint!.replace(/\/+$/, '')}/v1/traces`,
  };
}

export interface Tracing {
  settings: TracingSettings;
  /** For a Temporal client's `interceptors.workflow`: puts the trace context in starts, signals, updates and queries. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** For a worker's `interceptors.activity`: each activity runs in a span. */
  activityInterceptors: ActivityInterceptorsFactory[];
  /** Sends the spans still buffered; call once, on the way out. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for this process when the OTEL_* variables ask for it: the
 * process-wide tracer provider (with the W3C trace-context propagator the
 * interceptors inject and extract through) and the OTLP exporter. Undefined when off.
 */
export async function startTracing(env: Env, defaultServiceName: string): Promise<Tracing | undefined> {
  const settings = tracingSettings(env, defaultServiceName);
  if (!settings) return undefined;
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { Resource, detectResourcesSync, envDetectorSync }, otel] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  // OTEL_RESOURCE_ATTRIBUTES first, then the service name, which wins as the spec says.
  const resource = Resource.default()
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }))
    .merge(new Resource({ 'service.name': settings.serviceName }));
  // The exporter reads the endpoint, headers and timeout from the same OTEL_* variables.
  const processor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    settings,
    clientInterceptors: [new otel.OpenTelemetryWorkflowClientInterceptor()],
    activityInterceptors: [
      (ctx) => ({ inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx) }),
    ],
    shutdown: () => provider.shutdown(),
  };
}

/** The client, or the same connection and namespace with the tracing interceptor when tracing is on. */
export function tracedClient(client: Client, tracing: Tracing | undefined): Client {
  if (!tracing) return client;
  return new Client({ connection: client.connection, namespace: client.options.namespace, interceptors: { workflow: tracing.clientInterceptors } });
}

/** One line for the start-up log. */
export function describeTracing(tracing: Tracing | undefined): string {
  return tracing ? `OpenTelemetry traces of service "${tracing.settings.serviceName}" to ${tracing.settings.tracesEndpoint}` : 'off (no OTEL_EXPORTER_OTLP_ENDPOINT)';
}
