// The Function App's traces and metrics in Application Insights (on when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set; see @lease-premium/events/telemetry). The Functions
// host already records each invocation (a request with its duration and result) and the logs
// written through the InvocationContext; this adds what only the app knows: one span per
// ownership event, continuing the ledger transaction's trace from the event's `traceparent` and
// linked to the batch's request span, with child spans for the rating and the Table transaction,
// and the app's own metrics (premiums rated, review-queue size).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceContext } from '@azure/functions';
import type { Link, Span } from '@opentelemetry/api';
import type { OwnershipEvent } from '@lease-premium/events';
import {
  SPAN_ATTRIBUTES,
  startAzureMonitor,
  type Telemetry,
  type TelemetrySettings,
} from '@lease-premium/events/telemetry';
import type { EventOutcome } from './premium/premium-service';

/** The span of the event being applied, for the steps inside it (rating, Table transaction). */
const currentEvent = new AsyncLocalStorage<{ telemetry: Telemetry; span: Span }>();

/** The trace of one event being applied (no-op with telemetry off): its steps run inside it, then it ends once. */
export interface EventTrace {
  run<T>(step: () => T): T;
  end(outcome: EventOutcome): void;
  fail(error: unknown): void;
}

/** The trace of an event with telemetry off. */
export const UNTRACED: EventTrace = { run: (step) => step(), end: () => undefined, fail: () => undefined };

/** The invocation's trace context as the Functions host passes it (the request span of the batch). */
export type RequestTraceContext = TraceContext;

/** Most rows counted for the review-queue gauge at each export (one query page is 1,000 rows). */
export const REVIEW_QUEUE_COUNT_LIMIT = 10_000;

export interface FunctionTelemetryOptions {
  /** Counts the review queue, up to a limit (read once per metric export). */
  countReviewQueue: (limit: number) => Promise<number>;
}

export class FunctionTelemetry {
  private readonly premiumsRated;

  private constructor(
    private readonly telemetry: Telemetry,
    options: FunctionTelemetryOptions,
  ) {
    const { meter } = telemetry;
    this.premiumsRated = meter.createCounter('premiums_rated_total', {
      description: 'Premiums rated from ownership events, by rating outcome (RATED, REFER)',
    });
    meter
      .createObservableGauge('review_queue_size', {
        description: `Records waiting in the review queue (counted up to ${REVIEW_QUEUE_COUNT_LIMIT})`,
      })
      .addCallback(async (result) => {
        result.observe(await options.countReviewQueue(REVIEW_QUEUE_COUNT_LIMIT));
      });
  }

  static start(settings: TelemetrySettings, options: FunctionTelemetryOptions): FunctionTelemetry {
    return new FunctionTelemetry(startAzureMonitor(settings, { serviceName: 'lease-premium-functions' }), options);
  }

  /**
   * Opens the span of one event being applied: a child of the event's `traceparent` (a new trace
   * without one), linked to the invocation's request span. The steps run inside it (EventTrace.run)
   * get child spans (traceStep); the span ends with the outcome and premium, or the failure.
   */
  beginEvent(event: OwnershipEvent, request: RequestTraceContext | undefined): EventTrace {
    const { api } = this.telemetry;
    const A = SPAN_ATTRIBUTES;
    const requestSpan = request?.traceParent
      ? api.trace.getSpanContext(
          this.telemetry.extract({
            traceparent: request.traceParent,
            ...(request.traceState ? { tracestate: request.traceState } : {}),
          }),
        )
      : undefined;
    const links: Link[] = requestSpan ? [{ context: requestSpan }] : [];
    const span = this.telemetry.startSpan('apply ownership event', {
      parent: this.telemetry.extract({
        ...(event.traceparent ? { traceparent: event.traceparent } : {}),
        ...(event.tracestate ? { tracestate: event.tracestate } : {}),
      }),
      kind: api.SpanKind.CONSUMER,
      links,
      attributes: {
        [A.transactionId]: event.id,
        [A.assetId]: event.subject,
        [A.blockHeight]: event.data.ledger.blockHeight,
        [A.indexInBlock]: event.data.ledger.indexInBlock,
        [A.operation]: event.data.ledger.operation,
      },
    });
    const store = { telemetry: this.telemetry, span };
    return {
      run: (step) => currentEvent.run(store, step),
      end: (outcome) => {
        span.setAttribute(A.outcome, outcome.outcome);
        if (outcome.outcome === 'rejected') {
          span.setAttribute(A.reason, outcome.reason.slice(0, 1_000));
        } else if (outcome.premium) {
          span.setAttributes({
            [A.annualPremiumMinor]: outcome.premium.annualPremiumMinor,
            [A.currency]: outcome.premium.currency,
            [A.ratingOutcome]: outcome.premium.ratingOutcome,
          });
          if (outcome.outcome === 'applied')
            this.premiumsRated.add(1, { rating_outcome: outcome.premium.ratingOutcome });
        }
        span.end();
      },
      fail: (error) => {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: api.SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        span.end();
      },
    };
  }

  shutdown(): Promise<void> {
    return this.telemetry.shutdown();
  }
}

/**
 * Runs one step of the event being applied in a child span of it: `internal` work (the rating) or
 * a `client` call to a dependency (the Table transaction). Outside an event's span, or with
 * telemetry off, it only runs the step.
 */
export function traceStep<T>(name: string, kind: 'internal' | 'client', step: () => T): T {
  const current = currentEvent.getStore();
  if (!current) return step();
  const { telemetry, span: parent } = current;
  const span = telemetry.startSpan(name, {
    parent,
    kind: kind === 'client' ? telemetry.api.SpanKind.CLIENT : telemetry.api.SpanKind.INTERNAL,
  });
  const fail = (error: unknown): never => {
    span
      .setStatus({
        code: telemetry.api.SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      })
      .end();
    throw error;
  };
  let result: T;
  try {
    result = step();
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) {
    return result.then((value: unknown) => {
      span.end();
      return value;
    }, fail) as T;
  }
  span.end();
  return result;
}
