// Per-vehicle ordered lanes with adaptive parallelism. A vehicle is in at most one request at a
// time and its events leave in ledger order; different vehicles share batches and proceed in
// parallel, as many requests at once as the AIMD limit allows (never more than maxConcurrency).
// Batches form greedily (no waiting for a batch to fill): under load the slots are busy, so batches
// fill by themselves; when idle, a lone event goes out at once.
//
// Poison isolation: a batch that fails while the receiver otherwise answers (ReceiverHealth) is
// split in two until the failing event travels alone; an event that fails alone maxEventAttempts
// times is dead-lettered as "poison" and its vehicle's lane moves on. While the receiver does not
// answer, failures count against nothing and retries never end: an outage dead-letters nothing.
import type { OwnershipEvent } from '@lease-premium/events';
import type { WebJobConfig } from '../config';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { DELIVERY_TUNING } from '../tuning';
import { AbortedError } from '../util/aborted';
import { retry, RetryLater, type BackoffPolicy, type RetryNotice } from '../util/retry';
import type { DeadLetter } from '../deadletter/dead-letter-store';
import { AdaptiveConcurrencyLimit } from './concurrency-limit';
import { ReceiverHealth } from './receiver-health';
import type { EventOutcome, SendResult, WebhookSender } from './webhook-sender';

type RetryableResult = Extract<SendResult, { kind: 'retry' }>;

export interface DeliveryItem {
  event: OwnershipEvent;
  blockHeight: number;
}

/** Where the dispatcher settles each item: the height tracker (and telemetry), in the WebJob. */
export interface DeliveryHandlers {
  /** The receiver durably took the event (applied, duplicate or stale). */
  processAcknowledged(item: DeliveryItem, outcome: Exclude<EventOutcome, 'rejected'> | 'unreported'): void;
  /** A permanent refusal: store the dead letter durably (the item is settled once this resolves). */
  processDeadLetter(item: DeliveryItem, refusal: DeliveryRefusal): Promise<void>;
  /** An unexpected failure (a bug, or a dead-letter store that throws): the owner must stop. */
  processError(error: unknown): void;
}

/** Why the receiver will never take an event: its own "rejected", a 4xx, or poison isolation. */
export type DeliveryRefusal =
  | { kind: 'rejected' | 'refused'; reason: string }
  | { kind: 'poison'; reason: string; lastStatus: number | 'timeout' | 'network'; attempts: number };

/** The dispatcher settings that come straight from the WebJob's webhook configuration. */
export function dispatcherTuning(
  webhook: WebJobConfig['webhook'],
): Pick<
  DispatcherOptions,
  'batchSize' | 'maxConcurrency' | 'initialConcurrency' | 'retry' | 'maxEventAttempts' | 'receiverHealth'
> {
  return {
    batchSize: webhook.batchSize,
    maxConcurrency: webhook.maxConcurrency,
    initialConcurrency: webhook.initialConcurrency,
    retry: { baseMs: webhook.retryBaseMs, maxMs: webhook.retryMaxMs },
    maxEventAttempts: webhook.maxEventAttempts,
    receiverHealth: new ReceiverHealth({
      healthUrl: webhook.healthUrl,
      timeoutMs: Math.min(webhook.timeoutMs, DELIVERY_TUNING.healthProbeTimeoutMs),
    }),
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
  /** Failures of one event sent alone, while the receiver answers, before it is dead-lettered as poison. */
  maxEventAttempts: number;
  /** Whether the receiver answers otherwise (acknowledgements seen here, its health endpoint). */
  receiverHealth: ReceiverHealth;
  logger: Logger;
  metrics: WebJobMetrics;
  handlers: DeliveryHandlers;
  /** Aborting stops every retry loop at once; unfinished items stay unsettled (redelivered later). */
  signal: AbortSignal;
}

export class DeliveryDispatcher {
  private readonly lanes = new Map<string, DeliveryItem[]>();
  private readonly ready: string[] = [];
  private readyHead = 0;
  private readonly queued = new Set<string>();
  /** Vehicles in a request: which request, and how many of their items in it are not settled yet. */
  private readonly inFlight = new Map<string, { request: number; unsettled: number }>();
  private requestsStarted = 0;
  private activeRequests = 0;
  private pendingItems = 0;
  private waiters: Array<{ below: number; resolve: () => void }> = [];
  private readonly limit: AdaptiveConcurrencyLimit;

  constructor(private readonly options: DispatcherOptions) {
    this.limit = new AdaptiveConcurrencyLimit({
      initial: options.initialConcurrency ?? 2,
      maximum: options.maxConcurrency,
    });
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
    while (
      this.activeRequests < this.limit.current &&
      this.readyHead < this.ready.length &&
      !this.options.signal.aborted
    ) {
      const batch: DeliveryItem[] = [];
      const vehicles: string[] = [];
      const request = ++this.requestsStarted;
      while (batch.length < this.options.batchSize && this.readyHead < this.ready.length) {
        const vehicle = this.ready[this.readyHead++]!;
        this.queued.delete(vehicle);
        const lane = this.lanes.get(vehicle)!;
        const take = lane.splice(0, this.options.batchSize - batch.length);
        batch.push(...take);
        vehicles.push(vehicle);
        this.inFlight.set(vehicle, { request, unsettled: take.length });
        if (lane.length === 0) this.lanes.delete(vehicle);
      }
      if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
        this.ready.splice(0, this.readyHead);
        this.readyHead = 0;
      }
      this.activeRequests += 1;
      void this.deliver(batch)
        .catch((error: unknown) => {
          if (!(error instanceof AbortedError)) this.options.handlers.processError(error); // aborted: unsettled, redelivered later
        })
        .finally(() => {
          this.activeRequests -= 1;
          // Vehicles whose items did not all settle (aborted, or a failure): out of this request now.
          for (const vehicle of vehicles) if (this.inFlight.get(vehicle)?.request === request) this.release(vehicle);
          this.pump();
        });
    }
  }

  /** The vehicle's events are out of any request: its lane may go again. */
  private release(vehicle: string): void {
    this.inFlight.delete(vehicle);
    if (this.lanes.has(vehicle)) this.markReady(vehicle);
  }

  private settled(item: DeliveryItem): void {
    this.pendingItems -= 1;
    this.options.metrics.pendingEvents.set(this.pendingItems);
    // A vehicle goes again once all of its own items settled, not when the whole batch did: while
    // one event of a batch is isolated, its batch neighbours' later events need not wait.
    const vehicle = item.event.subject;
    const entry = this.inFlight.get(vehicle);
    if (entry && --entry.unsettled === 0) {
      this.release(vehicle);
      this.pump();
    }
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

  /**
   * Delivers one batch until every event in it is acknowledged or dead-lettered. Retries without a
   * deadline while the receiver is down; splits the batch while the receiver answers otherwise.
   * Rejects with AbortedError once the dispatcher's signal aborts (its items stay unsettled).
   */
  private async deliver(batch: DeliveryItem[]): Promise<void> {
    const { sender, metrics, logger, signal } = this.options;
    const first = batch[0]!;
    const deliveryId = `${first.event.id}-${batch.length}`;
    const body = JSON.stringify(batch.map((item) => item.event));
    let failuresAlone = 0;
    const onRetry = ({ attempt, delayMs, problem }: RetryNotice): void => {
      const failure = problem as RetryableResult;
      metrics.deliveryRetries.inc();
      logger.warn('delivery failed; retrying', {
        deliveryId,
        attempt,
        failuresAlone,
        status: failure.status,
        delayMs,
        detail: failure.detail.slice(0, 300),
      });
    };
    await retry({ policy: this.options.retry, signal, onRetry }, async () => {
      let result: SendResult;
      const startedAt = performance.now();
      try {
        result = await sender.send(deliveryId, body, signal);
      } catch (error) {
        if (signal.aborted) throw new AbortedError();
        throw error;
      }
      metrics.deliveryRequests.inc(1, { result: String(result.status) });
      this.adapt(result, startedAt, batch.length);
      if (result.kind === 'acknowledged') {
        this.options.receiverHealth.noteAcknowledged();
        await this.settleAcknowledged(batch, result.outcomes, deliveryId);
        return;
      }
      if (result.kind === 'refused') {
        if (batch.length > 1) {
          // One bad event must not sink its neighbours: resend them one by one (still in order).
          logger.warn('receiver refused a batch; resending its events one by one', {
            deliveryId,
            status: result.status,
            events: batch.length,
          });
          for (const item of batch) await this.deliver([item]);
          return;
        }
        await this.deadLetter(first, { kind: 'refused', reason: `HTTP ${result.status}: ${result.detail}` });
        return;
      }
      if (countsAgainstEvents(result.status) && (await this.options.receiverHealth.answersSince(startedAt, signal))) {
        if (batch.length > 1) {
          metrics.deliverySplits.inc();
          logger.warn('batch failed while the receiver answers otherwise; splitting it to isolate the failing event', {
            deliveryId,
            status: result.status,
            events: batch.length,
          });
          await this.deliverSplit(batch);
          return;
        }
        failuresAlone += 1;
        if (failuresAlone >= this.options.maxEventAttempts) {
          const status = result.status;
          const reason = `${typeof status === 'number' ? `HTTP ${status}` : status} on each of ${failuresAlone} attempts alone while the receiver answered otherwise: ${result.detail.slice(0, DELIVERY_TUNING.poisonExcerptChars)}`;
          await this.deadLetter(first, { kind: 'poison', reason, lastStatus: status, attempts: failuresAlone });
          return;
        }
      }
      return new RetryLater(result, result.retryAfterMs ?? 0);
    });
  }

  /**
   * Bisection. Halves that share no vehicle go out side by side (neither can hold a vehicle's later
   * event back from the other); one vehicle's events split by ledger order, earlier half first.
   */
  private async deliverSplit(batch: DeliveryItem[]): Promise<void> {
    const [earlier, later, disjoint] = splitBatch(batch);
    if (disjoint) await Promise.all([this.deliver(earlier), this.deliver(later)]);
    else {
      await this.deliver(earlier);
      await this.deliver(later);
    }
  }

  private async settleAcknowledged(
    batch: DeliveryItem[],
    outcomes: Map<string, { outcome: EventOutcome; reason?: string }>,
    deliveryId: string,
  ): Promise<void> {
    for (const item of batch) {
      const answer = outcomes.get(item.event.id);
      if (answer?.outcome === 'rejected') {
        await this.deadLetter(item, {
          kind: 'rejected',
          reason: answer.reason ?? 'rejected by the receiver (no reason given)',
        });
        continue;
      }
      const outcome = answer?.outcome ?? 'unreported';
      if (!answer)
        this.options.logger.warn('receiver acknowledged the request without a result for an event', {
          deliveryId,
          eventId: item.event.id,
        });
      this.options.metrics.eventsDelivered.inc(1, { outcome });
      this.options.handlers.processAcknowledged(item, outcome);
      this.settled(item);
    }
  }

  /** Feeds the adaptive limit: healthy answers grow it, overload signals halve it. */
  private adapt(result: SendResult, startedAt: number, batchSize: number): void {
    const changed =
      result.kind === 'acknowledged'
        ? this.limit.record({
            kind: 'ok',
            latencyMs: performance.now() - startedAt,
            batchSize,
            inFlight: this.activeRequests,
            startedAt,
          })
        : result.kind === 'retry' && isOverloadSignal(result.status)
          ? this.limit.record({ kind: 'overload', startedAt })
          : false;
    if (!changed) return;
    this.options.metrics.deliveryConcurrencyLimit.set(this.limit.current);
    this.options.logger.debug('delivery concurrency limit changed', {
      limit: this.limit.current,
      result: String(result.status),
    });
    this.pump();
  }

  private async deadLetter(item: DeliveryItem, refusal: DeliveryRefusal): Promise<void> {
    try {
      await this.options.handlers.processDeadLetter(item, refusal);
    } catch (error) {
      if (this.options.signal.aborted) return; // unsettled: redelivered after restart
      throw error;
    }
    this.options.metrics.eventsDeadLettered.inc(1, { kind: refusal.kind });
    this.settled(item);
  }
}

/**
 * Failures that may be the events' fault: the receiver answered with an error of its own (500 and
 * the like). Overload and availability signals never count against an event, whatever the health
 * endpoint says: a timeout or a 503 under load says nothing about the events in the request, and
 * splitting would only add requests to an overloaded receiver.
 */
function countsAgainstEvents(status: number | 'timeout' | 'network'): boolean {
  return !isOverloadSignal(status);
}

/** Two halves of a batch, and whether they share no vehicle (whole vehicles per half when there are several). */
export function splitBatch(batch: readonly DeliveryItem[]): [DeliveryItem[], DeliveryItem[], boolean] {
  const vehicles = [...new Set(batch.map((item) => item.event.subject))];
  if (vehicles.length > 1) {
    const firstHalf = new Set(vehicles.slice(0, Math.ceil(vehicles.length / 2)));
    return [
      batch.filter((item) => firstHalf.has(item.event.subject)),
      batch.filter((item) => !firstHalf.has(item.event.subject)),
      true,
    ];
  }
  const middle = Math.ceil(batch.length / 2);
  return [batch.slice(0, middle), batch.slice(middle), false];
}

/** Answers that mean "too much": the receiver is saturated or in front of a queue that is. */
function isOverloadSignal(status: number | 'timeout' | 'network'): boolean {
  return (
    status === 'timeout' ||
    status === 'network' ||
    status === 408 ||
    status === 429 ||
    status === 502 ||
    status === 503 ||
    status === 504
  );
}

/** The dead letter for an event the receiver refused: the CloudEvent itself is the payload. */
export function deadLetterOfEvent(item: DeliveryItem, refusal: DeliveryRefusal): DeadLetter {
  return {
    ...refusal,
    transactionId: item.event.id,
    assetId: item.event.subject,
    blockHeight: item.blockHeight,
    indexInBlock: item.event.data.ledger.indexInBlock,
    payload: item.event,
    deadLetteredAt: new Date().toISOString(),
    ...(item.event.replay ? { replay: true } : {}),
  };
}
