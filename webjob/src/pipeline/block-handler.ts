// A block's transactions, in order, through verify -> classify -> map, then into delivery.
// Dead letters for refused transactions are stored before the height is opened, so the
// checkpoint can only pass a height whose refusals are durable too. Back-pressure: a block waits
// until fewer than maxPendingEvents events are pending delivery.
import type { OwnershipEvent } from '@lease-premium/events';
import type { HeightTracker } from '../checkpoint/height-tracker';
import type { DeadLetterStore } from '../deadletter/dead-letter-store';
import type { DeliveryDispatcher } from '../delivery/delivery-dispatcher';
import type { LedgerBlock } from '../ledger/ledger-client';
import type { WebJobMetrics } from '../ops/metrics';
import type { WebJobTelemetry } from '../ops/telemetry';
import type { BlockHandlers } from '../sequencer/height-sequencer';
import { untilAborted } from '../util/retry';
import type { TransactionProcessor } from './transaction-processor';

export interface BlockHandlerOptions {
  processor: TransactionProcessor;
  dispatcher: DeliveryDispatcher;
  deadLetters: DeadLetterStore;
  metrics: WebJobMetrics;
  replay: boolean;
  /** A block waits until fewer events than this are pending delivery. */
  maxPendingEvents: number;
  /** Live consumption tracks heights for the checkpoint; replays do not. */
  tracker?: HeightTracker;
  /** Replays of one asset select its transactions only. */
  select?: (raw: unknown) => boolean;
  /** One trace per transaction, when telemetry is on. */
  telemetry?: WebJobTelemetry | undefined;
}

export class BlockHandler implements BlockHandlers {
  constructor(private readonly options: BlockHandlerOptions) {}

  /** Starts the block's signature checks on the verifier threads, ahead of its turn. */
  processBlockRead(block: LedgerBlock): void {
    this.options.processor.prime(block.transactions);
  }

  async processBlock(block: LedgerBlock, seenAt: number | undefined, signal: AbortSignal): Promise<void> {
    const { processor, dispatcher, deadLetters, metrics, replay } = this.options;
    await untilAborted(dispatcher.whenBelow(this.options.maxPendingEvents), signal);
    const events: OwnershipEvent[] = [];
    const selected = [...block.transactions.entries()].filter(
      ([, raw]) => !this.options.select || this.options.select(raw),
    );
    processor.prime(selected.map(([, raw]) => raw)); // no-op for what the sequencer already primed
    for (const [indexInBlock, raw] of selected) {
      const trace = this.options.telemetry?.transaction(raw, block.height, indexInBlock, seenAt);
      const outcome = await processor.process(raw, { blockHeight: block.height, indexInBlock }, replay, signal);
      trace?.processed(outcome);
      if (outcome.kind === 'event') events.push(outcome.event);
      else if (outcome.kind === 'skip') metrics.eventsSkipped.inc(1, { reason: outcome.reason });
      else {
        await deadLetters.add(
          {
            ...outcome.deadLetter,
            blockHeight: block.height,
            indexInBlock,
            deadLetteredAt: new Date().toISOString(),
            ...(replay ? { replay } : {}),
          },
          signal,
        );
        metrics.eventsDeadLettered.inc(1, { kind: outcome.deadLetter.kind });
      }
    }
    metrics.transactionsSeen.inc(block.transactions.length);
    this.options.tracker?.openHeight(block.height, events.length, seenAt);
    for (const event of events) dispatcher.enqueue({ event, blockHeight: block.height });
  }
}
