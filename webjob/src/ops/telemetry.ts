// The WebJob's traces, metrics and logs in Application Insights (on when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set; see @lease-premium/events/telemetry).
// One trace per ledger transaction: its root span starts when the WebJob learnt of the block (a
// stream frame or a tip probe), a child span covers verification, classification and mapping,
// and a delivery span runs from the event's enqueueing to its acknowledgement or dead letter. The
// delivery span's W3C trace context travels in the CloudEvent (distributed-tracing extension), so
// the Function App continues the same trace. Every /metrics value is exported as an OTel metric.
import type { Span } from '@opentelemetry/api';
import type { OwnershipEvent } from '@lease-premium/events';
import {
  SPAN_ATTRIBUTES,
  startAzureMonitor,
  type Telemetry,
  type TelemetrySettings,
  type TraceCarrier,
} from '@lease-premium/events/telemetry';
import type { TxOutcome } from '../pipeline/transaction-processor';
import type { LogFields } from './logger';
import type { WebJobMetrics } from './metrics';

/** How a transaction's trace ends. */
export type TransactionOutcome = 'applied' | 'duplicate' | 'stale' | 'unreported' | 'skipped' | 'dead-lettered';

/** One transaction's trace, from the block handler's point of view. */
export interface TransactionTrace {
  /**
   * Verification, classification and mapping are done: an event starts its delivery span and
   * carries its trace context from here on; a skip or a dead letter ends the trace.
   */
  processed(outcome: TxOutcome): void;
}

/** One webhook request's client span (the Functions host continues it for the invocation). */
export interface RequestTrace {
  readonly headers: TraceCarrier;
  end(status: number | 'timeout' | 'network'): void;
}

interface OpenDelivery {
  root: Span;
  delivery: Span;
}

const SEVERITY: Record<string, number> = { debug: 5, info: 9, warn: 13, error: 17 }; // OTel SeverityNumber

function rawId(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

export class WebJobTelemetry {
  /** Spans of events in delivery, found again by the event object when it settles. */
  private readonly deliveries = new WeakMap<OwnershipEvent, OpenDelivery>();

  private constructor(private readonly telemetry: Telemetry) {}

  static start(settings: TelemetrySettings): WebJobTelemetry {
    return new WebJobTelemetry(startAzureMonitor(settings, { serviceName: 'lease-premium-webjob', logs: true }));
  }

  /** Starts a transaction's trace: `seenAt` (epoch ms) is when its block was first known to exist. */
  transaction(raw: unknown, blockHeight: number, indexInBlock: number, seenAt: number | undefined): TransactionTrace {
    const { api } = this.telemetry;
    const A = SPAN_ATTRIBUTES;
    const position = { [A.transactionId]: rawId(raw), [A.blockHeight]: blockHeight, [A.indexInBlock]: indexInBlock };
    const root = this.telemetry.startSpan('ledger transaction', {
      kind: api.SpanKind.CONSUMER,
      attributes: position,
      ...(seenAt !== undefined ? { startTime: seenAt } : {}),
    });
    const verify = this.telemetry.startSpan('verify transaction', { parent: root, attributes: position });
    return {
      processed: (outcome) => {
        if (outcome.kind === 'event') {
          const { event } = outcome;
          const attributes = { [A.assetId]: event.subject, [A.operation]: event.data.ledger.operation };
          root.setAttributes(attributes);
          verify.setAttributes(attributes).end();
          const delivery = this.telemetry.startSpan('deliver event', {
            parent: root,
            kind: api.SpanKind.PRODUCER,
            attributes: { ...position, ...attributes },
          });
          const carrier = this.telemetry.inject(delivery);
          if (carrier.traceparent) event.traceparent = carrier.traceparent;
          if (carrier.tracestate) event.tracestate = carrier.tracestate;
          this.deliveries.set(event, { root, delivery });
          return;
        }
        const reason =
          outcome.kind === 'skip' ? outcome.reason : `${outcome.deadLetter.kind}: ${outcome.deadLetter.reason}`;
        const ended = {
          [A.outcome]: outcome.kind === 'skip' ? 'skipped' : 'dead-lettered',
          [A.reason]: reason.slice(0, 1_000),
        };
        if (outcome.kind === 'dead-letter') {
          if (outcome.deadLetter.assetId) root.setAttribute(A.assetId, outcome.deadLetter.assetId);
          verify.setStatus({ code: api.SpanStatusCode.ERROR, message: ended[A.reason] });
        }
        verify.setAttributes(ended).end();
        root.setAttributes(ended).end();
      },
    };
  }

  /** The receiver acknowledged the event, or it was dead-lettered: its trace ends. */
  settled(event: OwnershipEvent, outcome: TransactionOutcome, reason?: string): void {
    const open = this.deliveries.get(event);
    if (!open) return;
    this.deliveries.delete(event);
    const { api } = this.telemetry;
    const attributes = {
      [SPAN_ATTRIBUTES.outcome]: outcome,
      ...(reason !== undefined ? { [SPAN_ATTRIBUTES.reason]: reason.slice(0, 1_000) } : {}),
    };
    if (outcome === 'dead-lettered')
      open.delivery.setStatus({
        code: api.SpanStatusCode.ERROR,
        ...(reason !== undefined ? { message: reason.slice(0, 1_000) } : {}),
      });
    open.delivery.setAttributes(attributes).end();
    open.root.setAttributes(attributes).end();
  }

  /** A client span for one webhook POST; its trace context goes in the request's headers. */
  request(deliveryId: string): RequestTrace {
    const span = this.telemetry.startSpan('POST ownership-changes', {
      kind: this.telemetry.api.SpanKind.CLIENT,
      attributes: { [SPAN_ATTRIBUTES.deliveryId]: deliveryId },
    });
    return {
      headers: this.telemetry.inject(span),
      end: (status) => {
        span.setAttribute('http.response.status_code', typeof status === 'number' ? status : 0);
        if (typeof status !== 'number' || status >= 400)
          span.setStatus({ code: this.telemetry.api.SpanStatusCode.ERROR, message: String(status) });
        span.end();
      },
    };
  }

  /** Exports every /metrics value under the same name and labels, read when the exporter asks. */
  observe(metrics: WebJobMetrics): void {
    const { meter } = this.telemetry;
    const instruments = new Map(
      metrics
        .definitions()
        .map((def) => [
          def.name,
          def.type === 'counter'
            ? meter.createObservableCounter(def.name, { description: def.help })
            : meter.createObservableGauge(def.name, { description: def.help }),
        ]),
    );
    meter.addBatchObservableCallback(
      (result) => {
        metrics.forEachValue((name, value, labels) => {
          const instrument = instruments.get(name);
          if (instrument) result.observe(instrument, value, labels);
        });
      },
      [...instruments.values()],
    );
  }

  /** A log line's writer that also sends the entry to Application Insights. */
  logWriter(write: (line: string) => void): (line: string) => void {
    const logger = this.telemetry.logger;
    return (line) => {
      write(line);
      if (!logger) return;
      const {
        level,
        msg,
        time: _time,
        ...fields
      } = JSON.parse(line) as LogFields & { level: string; msg: string; time: string };
      const attributes = Object.fromEntries(
        Object.entries(fields).map(([key, value]) => [
          key,
          typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as string | number | boolean),
        ]),
      );
      logger.emit({ severityNumber: SEVERITY[level] ?? 9, severityText: level.toUpperCase(), body: msg, attributes });
    };
  }

  /** Sends what is buffered and stops the exporters (at shutdown). */
  shutdown(): Promise<void> {
    return this.telemetry.shutdown();
  }
}
