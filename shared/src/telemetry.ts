// OpenTelemetry to Azure Monitor (Application Insights) for both apps, off unless
// APPLICATIONINSIGHTS_CONNECTION_STRING is set. Manual spans only: the Azure Monitor exporter with
// the OpenTelemetry SDK, no auto-instrumentation (nothing patches `require`, so bundling is safe).
// The SDK is loaded on the first startAzureMonitor() call: a process with telemetry off never loads it.
// Entry point: `@lease-premium/events/telemetry` (kept out of the main entry for the same reason).
import type * as Exporters from '@azure/monitor-opentelemetry-exporter';
import type * as Identity from '@azure/identity';
import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Context, Meter, Span, Tracer } from '@opentelemetry/api';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import type * as OtelCore from '@opentelemetry/core';
import type * as OtelResources from '@opentelemetry/resources';
import type * as SdkLogs from '@opentelemetry/sdk-logs';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type * as SdkTrace from '@opentelemetry/sdk-trace-base';
import { ConfigError } from './settings/config-error';

export interface TelemetrySettings {
  /** The Application Insights resource's connection string (it names the ingestion endpoint). */
  connectionString: string;
  /**
   * Entra ID (managed identity) authentication, from APPLICATIONINSIGHTS_AUTHENTICATION_STRING
   * ("Authorization=AAD;ClientId=<client id>", the form the Functions host reads too):
   * `undefined` = the instrumentation key alone; `{clientId: undefined}` = the system-assigned identity.
   */
  entra: { clientId: string | undefined } | undefined;
  /** OTEL_METRIC_EXPORT_INTERVAL (the OpenTelemetry setting): metric export period, default 60 s (Application Insights' own granularity). */
  metricIntervalMs: number;
}

/** A settings error of the telemetry variables: each app's loadConfig lets it through as its own. */
export class TelemetrySettingsError extends ConfigError {
  override readonly name = 'TelemetrySettingsError';
}

/** Longest connection or authentication string accepted (real ones are about 250 characters). */
const MAX_SETTING_LENGTH = 2_048;

function keyValuePairs(variable: string, value: string): Map<string, string> {
  if (value.length > MAX_SETTING_LENGTH)
    throw new TelemetrySettingsError(variable, `must be at most ${MAX_SETTING_LENGTH} characters`);
  const pairs = new Map<string, string>();
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) throw new TelemetrySettingsError(variable, `"${part.trim()}" is not Key=Value`);
    pairs.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return pairs;
}

/** Telemetry settings from the environment, validated; `undefined` = telemetry off (the default). */
export function telemetrySettings(env: Record<string, string | undefined>): TelemetrySettings | undefined {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return undefined;
  const connection = keyValuePairs('APPLICATIONINSIGHTS_CONNECTION_STRING', connectionString);
  if (!/^[0-9a-f-]{36}$/i.test(connection.get('instrumentationkey') ?? '')) {
    throw new TelemetrySettingsError(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'must hold InstrumentationKey=<GUID> (copy it from the Application Insights resource)',
    );
  }
  const intervalRaw = env.OTEL_METRIC_EXPORT_INTERVAL?.trim() || '60000';
  const metricIntervalMs = Number(intervalRaw);
  if (!/^\d+$/.test(intervalRaw) || metricIntervalMs < 1_000 || metricIntervalMs > 3_600_000) {
    throw new TelemetrySettingsError(
      'OTEL_METRIC_EXPORT_INTERVAL',
      `must be milliseconds from 1000 to 3600000, got "${intervalRaw}"`,
    );
  }
  const authentication = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING?.trim();
  if (!authentication) return { connectionString, entra: undefined, metricIntervalMs };
  const auth = keyValuePairs('APPLICATIONINSIGHTS_AUTHENTICATION_STRING', authentication);
  if (auth.get('authorization')?.toUpperCase() !== 'AAD') {
    throw new TelemetrySettingsError(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      'must be "Authorization=AAD" with an optional ";ClientId=<client id of a user-assigned identity>"',
    );
  }
  const clientId = auth.get('clientid');
  if (clientId !== undefined && !/^[0-9a-f-]{36}$/i.test(clientId))
    throw new TelemetrySettingsError('APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'ClientId must be a GUID');
  return { connectionString, entra: { clientId }, metricIntervalMs };
}

/**
 * Span attribute names both apps use, so one query finds a transaction on either side. Values are
 * identifiers and amounts only, never personal data (driver keys are not recorded).
 */
export const SPAN_ATTRIBUTES = {
  transactionId: 'ledger.transaction.id',
  assetId: 'ledger.asset.id',
  blockHeight: 'ledger.block.height',
  indexInBlock: 'ledger.transaction.index',
  operation: 'ledger.operation',
  outcome: 'lease_premium.outcome',
  reason: 'lease_premium.reason',
  annualPremiumMinor: 'lease_premium.annual_premium_minor',
  currency: 'lease_premium.currency',
  ratingOutcome: 'lease_premium.rating_outcome',
  deliveryId: 'lease_premium.delivery_id',
} as const;

/** W3C Trace Context fields as the CloudEvents distributed-tracing extension carries them. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export interface Telemetry {
  /** The OpenTelemetry API module, loaded with the SDK (callers need no runtime import of their own). */
  readonly api: typeof OtelApi;
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Log records to Application Insights (traces table); present when started with `logs: true`. */
  readonly logger: OtelLogger | undefined;
  /** The W3C Trace Context of a span, to put into an event or a request. */
  inject(span: Span): TraceCarrier;
  /** A context whose parent is the span a carrier names; the root context when it names none (or an invalid one). */
  extract(carrier: TraceCarrier): Context;
  /** A span, as a child of `parent` (a span or a context), with attributes. */
  startSpan(
    name: string,
    options: {
      parent?: Span | Context;
      kind?: OtelApi.SpanKind;
      attributes?: Attributes;
      links?: OtelApi.Link[];
      startTime?: number;
    },
  ): Span;
  /** Exports what is still buffered (waiting at most 5 s), then stops the providers. */
  shutdown(): Promise<void>;
}

export interface AzureMonitorOptions {
  /** service.name: Application Insights shows it as the cloud role name. */
  serviceName: string;
  /** Export log records too (the WebJob; the Function App's logs go through the Functions host). */
  logs?: boolean;
}

/** Longest wait for the last export at shutdown. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

/** The Azure Monitor exporter's attribute for a request's name. */
const AI_OPERATION_NAME = 'ai.operation.name';

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK loads only when telemetry is on (see the top of the file) */

/** Starts the tracer, meter (and logger) providers exporting to Azure Monitor. */
export function startAzureMonitor(settings: TelemetrySettings, options: AzureMonitorOptions): Telemetry {
  const api = require('@opentelemetry/api') as typeof OtelApi;
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof OtelCore;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof OtelResources;
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTrace;
  const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof SdkMetrics;
  const exporters = require('@azure/monitor-opentelemetry-exporter') as typeof Exporters;

  const credential = settings.entra
    ? new (require('@azure/identity') as typeof Identity).ManagedIdentityCredential(
        settings.entra.clientId === undefined ? {} : { clientId: settings.entra.clientId },
      )
    : undefined;
  const exporterOptions = { connectionString: settings.connectionString, ...(credential ? { credential } : {}) };
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });

  // Sampling: the SDK's default (parent-based, always on) or OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new exporters.AzureMonitorTraceExporter(exporterOptions))],
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new exporters.AzureMonitorMetricExporter(exporterOptions),
        exportIntervalMillis: settings.metricIntervalMs,
        exportTimeoutMillis: Math.min(30_000, settings.metricIntervalMs),
      }),
    ],
  });
  let loggerProvider: SdkLogs.LoggerProvider | undefined;
  if (options.logs) {
    const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs') as typeof SdkLogs;
    loggerProvider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor(new exporters.AzureMonitorLogExporter(exporterOptions))],
    });
  }

  const tracer = tracerProvider.getTracer(options.serviceName);
  const propagator = new W3CTraceContextPropagator();
  return {
    api,
    tracer,
    meter: meterProvider.getMeter(options.serviceName),
    logger: loggerProvider?.getLogger(options.serviceName),
    inject(span) {
      const carrier: TraceCarrier = {};
      propagator.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), carrier, api.defaultTextMapSetter);
      return carrier;
    },
    extract(carrier) {
      return propagator.extract(api.ROOT_CONTEXT, carrier, api.defaultTextMapGetter);
    },
    startSpan(name, { parent, kind, attributes, links, startTime }) {
      const context =
        parent === undefined
          ? api.ROOT_CONTEXT
          : 'spanContext' in parent
            ? api.trace.setSpan(api.ROOT_CONTEXT, parent)
            : parent;
      // Application Insights shows a CONSUMER span as a request named by this attribute (HTTP server spans get theirs from the route).
      const named = kind === api.SpanKind.CONSUMER ? { [AI_OPERATION_NAME]: name, ...attributes } : attributes;
      return tracer.startSpan(
        name,
        {
          ...(kind !== undefined ? { kind } : {}),
          ...(named ? { attributes: named } : {}),
          ...(links ? { links } : {}),
          ...(startTime !== undefined ? { startTime } : {}),
        },
        context,
      );
    },
    async shutdown() {
      // Bounded: an unreachable ingestion endpoint must not hold a stopping process past its grace period.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref()));
      await Promise.race([
        Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider?.shutdown()]),
        bound,
      ]);
      clearTimeout(timer);
    },
  };
}
