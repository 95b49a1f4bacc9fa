// One signed POST of a CloudEvents batch to the Function App, classified into what to do next.
// The body is serialized once per batch by the caller, so every retry sends identical bytes;
// the signature is recomputed per attempt (the timestamp must be fresh) with the same webhook-id.
import { BATCH_CONTENT_TYPE, WebhookResponse, type EventOutcomeName, type WebhookSigner } from '@lease-premium/events';
import type { TraceCarrier } from '@lease-premium/events/telemetry';
import type { RequestTrace } from '../ops/telemetry';
import { requestSignal } from '../util/request-signal';

export type EventOutcome = EventOutcomeName;

export type SendResult =
  | { kind: 'acknowledged'; status: number; outcomes: Map<string, { outcome: EventOutcome; reason?: string }> }
  | { kind: 'retry'; status: number | 'timeout' | 'network'; retryAfterMs: number | undefined; detail: string }
  | { kind: 'refused'; status: number; detail: string };

export interface WebhookSenderOptions {
  url: string;
  functionKey: string | undefined;
  signer: WebhookSigner;
  timeoutMs: number;
  /** A client span per request (telemetry on): its trace context goes in the headers. */
  trace?: (deliveryId: string) => RequestTrace;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  async send(deliveryId: string, body: string, signal?: AbortSignal): Promise<SendResult> {
    const trace = this.options.trace?.(deliveryId);
    if (!trace) return this.post(deliveryId, body, signal, undefined);
    const result = await this.post(deliveryId, body, signal, trace.headers);
    trace.end(result.status);
    return result;
  }

  private async post(
    deliveryId: string,
    body: string,
    signal: AbortSignal | undefined,
    traceHeaders: TraceCarrier | undefined,
  ): Promise<SendResult> {
    const headers: Record<string, string> = {
      'content-type': BATCH_CONTENT_TYPE,
      ...this.options.signer.sign(deliveryId, body),
      ...traceHeaders,
    };
    if (this.options.functionKey) headers['x-functions-key'] = this.options.functionKey;
    const request = requestSignal(signal, this.options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.options.url, { method: 'POST', headers, body, signal: request.signal });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (request.timedOut)
        return {
          kind: 'retry',
          status: 'timeout',
          retryAfterMs: undefined,
          detail: `no answer within ${this.options.timeoutMs} ms`,
        };
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        kind: 'retry',
        status: 'network',
        retryAfterMs: undefined,
        detail: `${error instanceof Error ? error.message : String(error)}${cause}`,
      };
    } finally {
      request.dispose();
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      const outcomes = new Map<string, { outcome: EventOutcome; reason?: string }>();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = WebhookResponse.safeParse(json);
      if (parsed.success)
        for (const r of parsed.data.results)
          outcomes.set(
            r.id,
            r.outcome === 'rejected' ? { outcome: r.outcome, reason: r.reason } : { outcome: r.outcome },
          );
      return { kind: 'acknowledged', status, outcomes };
    }
    const detail = text.slice(0, 2_000);
    if (isRetryableStatus(status))
      return { kind: 'retry', status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), detail };
    return { kind: 'refused', status, detail };
  }
}
