// Per-vehicle ordered lanes with adaptive parallelism. A vehicle is in at most one request at a
// time and its events leave in ledger order; different vehicles share batches and proceed in
// parallel, as many requests at once as the AIMD limit allows (never more than maxConcurrency).
// Batches form greedily (no waiting for a batch to fill): under load the slots are busy, so batches
// fill by themselves; when idle, a lone event goes out at once.
import type { OwnershipEvent } from '@lease-premium/events';
import type { WebJobConfig } from '../config';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { backoffDelay, type BackoffPolicy } from '../util/backoff';
import { sleep } from '../util/abortable-sleep';
import type { DeadLetter } from '../deadletter/dead-letter-store';
import { AdaptiveConcurrencyLimit } from './concurrency-limit';
import type { EventOutcome, SendResult, WebhookSender } from './webhook-sender';

export interface DeliveryItem {
  event: OwnershipEvent;
  blockHeight: number;
}

export interface DispatcherHooks {
  /** The receiver durably took the event (applied, duplicate or stale). */
  onAcknowledged(item: DeliveryItem, outcome: Exclude<EventOutcome, 'rejected'> | 'unreported'): void;
  /** A permanent refusal: store the dead letter durably, then settle the item. */
  onDeadLetter(item: DeliveryItem, kind: 'rejected' | 'refused', reason: string): Promise<void>;
}

/** The dispatcher settings that come straight from the WebJob's webhook configuration. */
export function dispatcherTuning(webhook: WebJobConfig['webhook']): Pick<DispatcherOptions, 'batchSize' | 'maxConcurrency' | 'initialConcurrency' | 'retry'> {
  return {
    batchSize: webhook.batchSize,
    maxConcurrency: webhook.maxConcurrency,
    initialConcurrency: webhook.initialConcurrency,
    retry: { baseMs: webhook.retryBaseMs, maxMs: webhook.retryMaxMs },
  };
}

export interface DispatcherOptions {
  sender: WebhookSender;
  batchSize: number;
  /** Ceiling of the adaptive limit on requests in flight. */
  maxConcurrency: number;
  /** Where the adaptive limit starts (default 2, at most maxConcurrency). */
  initialConcurrency?: number;
  retry: BackoffPolicy;
  logger: Logger;
  metrics: WebJobMetrics;
  hooks: DispatcherHooks;
  /** Aborting stops every retry loop at once; unfinished items stay unsettled (redelivered later). */
  signal: AbortSignal;
  /** An unexpected failure (a bug or a dead-letter store that throws): the consumer must stop. */
  onFatal: (error: unknown) => void;
}

export class DeliveryDispatcher {
  private readonly lanes = new Map<string, DeliveryItem[]>();
  private readonly ready: string[] = [];
  private readyHead = 0;
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  private activeRequests = 0;
  private pendingItems = 0;
  private waiters: Array<{ below: number; resolve: () => void }> = [];
  private readonly limit: AdaptiveConcurrencyLimit;

  constructor(private readonly options: DispatcherOptions) {
    this.limit = new AdaptiveConcurrencyLimit({ initial: options.initialConcurrency ?? 2, maximum: options.maxConcurrency });
    options.metrics.deliveryConcurrencyLimit.set(this.limit.current);
    options.signal.addEventListener('abort', () => this.releaseWaiters(), { once: true });
  }

  /** Items accepted and not yet settled (queued or in flight). */
  get pending(): number {
    return this.pendingItems;
  }

  /** Requests allowed in flight right now (the adaptive limit). */
  get concurrencyLimit(): number {
    return this.limit.current;
  }

  enqueue(item: DeliveryItem): void {
    const vehicle = item.event.subject;
    let lane = this.lanes.get(vehicle);
    if (!lane) this.lanes.set(vehicle, (lane = []));
    lane.push(item);
    this.pendingItems += 1;
    this.options.metrics.pendingEvents.set(this.pendingItems);
    if (!this.inFlight.has(vehicle) && !this.queued.has(vehicle)) this.markReady(vehicle);
    this.pump();
  }

  /** Resolves once fewer than `count` items are pending (or delivery was aborted). */
  whenBelow(count: number): Promise<void> {
    if (this.pendingItems < count || this.options.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below: count, resolve }));
  }

  /** Resolves when everything accepted so far is settled (or delivery was aborted). */
  drained(): Promise<void> {
    return this.whenBelow(1);
  }

  private markReady(vehicle: string): void {
    this.queued.add(vehicle);
    this.ready.push(vehicle);
  }

  private pump(): void {
    while (this.activeRequests < this.limit.current && this.readyHead < this.ready.length && !this.options.signal.aborted) {
      const batch: DeliveryItem[] = [];
      const vehicles: string[] = [];
      while (batch.length < this.options.batchSize && this.readyHead < this.ready.length) {
        const vehicle = this.ready[this.readyHead++]!;
        this.queued.delete(vehicle);
        const lane = this.lanes.get(vehicle)!;
        const take = lane.splice(0, this.options.batchSize - batch.length);
        batch.push(...take);
        vehicles.push(vehicle);
        this.inFlight.add(vehicle);
        if (lane.length === 0) this.lanes.delete(vehicle);
      }
      if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
        this.ready.splice(0, this.readyHead);
        this.readyHead = 0;
      }
      this.activeRequests += 1;
      void this.deliver(batch)
        .catch((error: unknown) => this.options.onFatal(error))
        .finally(() => {
        this.activeRequests -= 1;
        for (const vehicle of vehicles) {
          this.inFlight.delete(vehicle);
          if (this.lanes.has(vehicle)) this.markReady(vehicle);
        }
        this.pump();
      });
    }
  }

  private settled(count: number): void {
    this.pendingItems -= count;
    this.options.metrics.pendingEvents.set(this.pendingItems);
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const aborted = this.options.signal.aborted;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (aborted || this.pendingItems < w.below) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Delivers one batch until it is acknowledged or refused; retries without a deadline. */
  private async deliver(batch: DeliveryItem[]): Promise<void> {
    const { sender, metrics, logger, signal } = this.options;
    const first = batch[0]!;
    const deliveryId = `${first.event.id}-${batch.length}`;
    const body = JSON.stringify(batch.map((item) => item.event));
    for (let attempt = 1; !signal.aborted; attempt++) {
      let result;
      const startedAt = performance.now();
      try {
        result = await sender.send(deliveryId, body, signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      metrics.deliveryRequests.inc(1, { result: String(result.status) });
      this.adapt(result, startedAt, batch.length);
      if (result.kind === 'acknowledged') {
        for (const item of batch) {
          const answer = result.outcomes.get(item.event.id);
          if (answer?.outcome === 'rejected') {
            await this.deadLetter(item, 'rejected', answer.reason ?? 'rejected by the receiver (no reason given)');
          } else {
            const outcome = answer?.outcome ?? 'unreported';
            if (!answer) logger.warn('receiver acknowledged the request without a result for an event', { deliveryId, eventId: item.event.id });
            metrics.eventsDelivered.inc(1, { outcome });
            this.options.hooks.onAcknowledged(item, outcome);
            this.settled(1);
          }
        }
        return;
      }
      if (result.kind === 'refused') {
        if (batch.length > 1) {
          // One bad event must not sink its neighbours: resend them one by one (still in order).
          logger.warn('receiver refused a batch; resending its events one by one', { deliveryId, status: result.status, events: batch.length });
          for (const item of batch) await this.deliver([item]);
          return;
        }
        await this.deadLetter(first, 'refused', `HTTP ${result.status}: ${result.detail}`);
        return;
      }
      metrics.deliveryRetries.inc();
      const delayMs = Math.max(result.retryAfterMs ?? 0, backoffDelay(this.options.retry, attempt));
      logger.warn('delivery failed; retrying', { deliveryId, attempt, status: result.status, delayMs, detail: result.detail.slice(0, 300) });
      await sleep(delayMs, signal);
    }
  }

  /** Feeds the adaptive limit: healthy answers grow it, overload signals halve it. */
  private adapt(result: SendResult, startedAt: number, batchSize: number): void {
    const changed =
      result.kind === 'acknowledged'
        ? this.limit.record({ kind: 'ok', latencyMs: performance.now() - startedAt, batchSize, inFlight: this.activeRequests, startedAt })
        : result.kind === 'retry' && isOverloadSignal(result.status)
          ? this.limit.record({ kind: 'overload', startedAt })
          : false;
    if (!changed) return;
    this.options.metrics.deliveryConcurrencyLimit.set(this.limit.current);
    this.options.logger.debug('delivery concurrency limit changed', { limit: this.limit.current, result: String(result.status) });
    this.pump();
  }

  private async deadLetter(item: DeliveryItem, kind: 'rejected' | 'refused', reason: string): Promise<void> {
    try {
      await this.options.hooks.onDeadLetter(item, kind, reason);
    } catch (error) {
      if (this.options.signal.aborted) return; // unsettled: redelivered after restart
      throw error;
    }
    this.options.metrics.eventsDeadLettered.inc(1, { kind });
    this.settled(1);
  }
}

/** Answers that mean "too much": the receiver is saturated or in front of a queue that is. */
function isOverloadSignal(status: number | 'timeout' | 'network'): boolean {
  return status === 'timeout' || status === 'network' || status === 408 || status === 429 || status === 502 || status === 503 || status === 504;
}

/** The dead letter for an event the receiver refused: the CloudEvent itself is the payload. */
export function deadLetterOfEvent(item: DeliveryItem, kind: 'rejected' | 'refused', reason: string): DeadLetter {
  return {
    kind,
    reason,
    transactionId: item.event.id,
    assetId: item.event.subject,
    blockHeight: item.blockHeight,
    indexInBlock: item.event.data.ledger.indexInBlock,
    payload: item.event,
    deadLetteredAt: new Date().toISOString(),
    ...(item.event.replay ? { replay: true } : {}),
  };
}
