// The stages of live consumption for one leadership term, wired in the order a ledger event
// travels through them (each stage hands on to the next through one handler interface):
//
//   StreamClient         WebSocket frames: only when to read            (StreamHandlers)
//   HeightSequencer      reads blocks over HTTP (LedgerClient) from the checkpoint on, in height
//                        order, with no gap: catch-up and live are one loop   (BlockHandlers)
//   BlockHandler         back-pressure, then each transaction through the TransactionProcessor:
//                        verify, classify, map to an event; refusals become dead letters
//   DeliveryDispatcher   per-vehicle lanes, batches, retries, poison isolation, via the
//                        WebhookSender's signed POST                     (DeliveryHandlers)
//   HeightTracker        a height completes once all its events are acknowledged or dead-lettered
//
// The consumer stores the tracker's completed height with its CheckpointFlusher.
import type { WebJobConfig } from '../config';
import { HeightTracker } from '../checkpoint/height-tracker';
import type { TermStop } from '../consumer/stop-reason';
import type { DeadLetterStore } from '../deadletter/dead-letter-store';
import {
  DeliveryDispatcher,
  deadLetterOfEvent,
  dispatcherTuning,
  type DeliveryHandlers,
} from '../delivery/delivery-dispatcher';
import type { WebhookSender } from '../delivery/webhook-sender';
import type { LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import type { WebJobTelemetry } from '../ops/telemetry';
import { HeightSequencer } from '../sequencer/height-sequencer';
import { StreamClient } from '../stream/stream-client';
import { BlockHandler } from './block-handler';
import { transactionProcessorFor, type TransactionProcessor } from './transaction-processor';

export interface PipelineDeps {
  config: WebJobConfig;
  logger: Logger;
  metrics: WebJobMetrics;
  ledger: LedgerClient;
  deadLetters: DeadLetterStore;
  sender: WebhookSender;
  telemetry?: WebJobTelemetry | undefined;
}

export class LivePipeline {
  readonly stream: StreamClient;
  readonly sequencer: HeightSequencer;
  readonly dispatcher: DeliveryDispatcher;
  readonly tracker: HeightTracker;
  private readonly processor: TransactionProcessor;

  constructor(
    deps: PipelineDeps,
    startHeight: number,
    private readonly stop: TermStop,
  ) {
    const { config, logger, metrics, ledger } = deps;
    const reading = stop.readSignal;
    this.stream = new StreamClient({
      resolveUrl: async () => config.ledger.wsUrl ?? (await ledger.discoverStreamsUrl(reading)),
      pingIntervalMs: config.ledger.pingIntervalMs,
      pingTimeoutMs: config.ledger.pingTimeoutMs,
      reconnect: { baseMs: config.ledger.reconnectBaseMs, maxMs: config.ledger.reconnectMaxMs },
      logger: logger.child({ component: 'stream' }),
      metrics,
    });
    this.tracker = new HeightTracker(startHeight);
    this.dispatcher = new DeliveryDispatcher({
      sender: deps.sender,
      ...dispatcherTuning(config.webhook),
      logger,
      metrics,
      signal: stop.deliverSignal,
      handlers: this.settlement(deps),
    });
    this.processor = transactionProcessorFor(config, ledger, logger);
    const blocks = new BlockHandler({
      processor: this.processor,
      dispatcher: this.dispatcher,
      deadLetters: deps.deadLetters,
      metrics,
      replay: false,
      maxPendingEvents: config.maxPendingEvents,
      tracker: this.tracker,
      telemetry: deps.telemetry,
    });
    this.sequencer = new HeightSequencer({
      ledger,
      startHeight,
      fetchConcurrency: config.ledger.fetchConcurrency,
      maxPrefetchTransactions: config.maxPendingEvents,
      tipPollMs: config.ledger.tipPollMs,
      stallTimeoutMs: config.ledger.stallTimeoutMs,
      logger: logger.child({ component: 'sequencer' }),
      metrics,
      stream: this.stream,
      blocks,
    });
  }

  /** Reads and hands on blocks until the term's reading stops; a failure stops the term. */
  async read(): Promise<void> {
    this.stream.start(this.sequencer);
    try {
      await this.sequencer.run(this.stop.readSignal);
    } catch (error) {
      this.stop.fail(error);
    }
    await this.stream.stop();
  }

  /** Stops the stream and the verifier threads (deliveries end with the term's deliver signal). */
  async close(): Promise<void> {
    await this.stream.stop();
    await this.processor.close();
  }

  /** Where delivery settles each event: its height in the tracker, its trace; a dead letter first. */
  private settlement({ deadLetters, telemetry }: PipelineDeps): DeliveryHandlers {
    const { tracker, stop } = this;
    return {
      processAcknowledged: (item, outcome) => {
        tracker.settle(item.blockHeight);
        telemetry?.settled(item.event, outcome);
      },
      processDeadLetter: async (item, refusal) => {
        await deadLetters.add(deadLetterOfEvent(item, refusal), stop.deliverSignal);
        tracker.settle(item.blockHeight);
        telemetry?.settled(item.event, 'dead-lettered', `${refusal.kind}: ${refusal.reason}`);
      },
      processError: (error) => stop.fail(error),
    };
  }
}
