// A DeliveryDispatcher wired to the real, signature-verifying HTTP receiver (./receiver): a sender
// that signs with every TEST_SECRETS secret, fast retries, fresh metrics, and handlers that record
// what the dispatcher settles, so delivery tests only say what differs between them.
import { WebhookSigner, type OwnershipEvent } from '@lease-premium/events';
import { DeliveryDispatcher, type DeliveryItem, type DeliveryRefusal } from '../../src/delivery/delivery-dispatcher';
import { ReceiverHealth } from '../../src/delivery/receiver-health';
import { WebhookSender } from '../../src/delivery/webhook-sender';
import { silentLogger } from '../../src/ops/logger';
import { WebJobMetrics } from '../../src/ops/metrics';
import { rounds, type CarHistory, type KeyPair } from './car-scenarios';
import { eventsFor, TEST_SECRETS } from './events';
import { startReceiver, type TestReceiver } from './receiver';

export interface DeliveryHarnessOptions {
  /** Secrets the receiver accepts (the sender signs with all of TEST_SECRETS). */
  receiverSecrets: string[];
  /** Function key the receiver requires and the sender sends; undefined: none. */
  functionKey?: string;
  batchSize: number;
  maxConcurrency: number;
  initialConcurrency?: number;
  /** The sender's request timeout. */
  timeoutMs: number;
  /** 'record': kept in `deadLetters` for the test to inspect; 'fatal': the handler rejects (none expected). */
  deadLetters: 'record' | 'fatal';
  /** Sample the dispatcher's concurrency limit into `limits` at this interval; unset: no sampling. */
  sampleLimitEveryMs?: number;
  /** Failures of one event alone (while the receiver answers) before it is poison; default 3. */
  maxEventAttempts?: number;
}

export type RecordedDeadLetter = { item: DeliveryItem } & DeliveryRefusal;

export interface DeliveryHarness {
  receiver: TestReceiver;
  dispatcher: DeliveryDispatcher;
  metrics: WebJobMetrics;
  acked: DeliveryItem[];
  deadLetters: RecordedDeadLetter[];
  /** The concurrency limit sampled while the harness runs (empty without sampleLimitEveryMs). */
  limits: number[];
  /** Enqueues each event at its own ledger block height. */
  enqueue(events: OwnershipEvent[]): void;
  /** Stops sampling, aborts the dispatcher's retry loops and closes the receiver. */
  stop(): Promise<void>;
}

export async function startDeliveryHarness(options: DeliveryHarnessOptions): Promise<DeliveryHarness> {
  const receiver = await startReceiver({ secrets: options.receiverSecrets, functionKey: options.functionKey });
  const metrics = new WebJobMetrics();
  const abort = new AbortController();
  const acked: DeliveryItem[] = [];
  const deadLetters: RecordedDeadLetter[] = [];
  const dispatcher = new DeliveryDispatcher({
    sender: new WebhookSender({
      url: receiver.url,
      functionKey: options.functionKey,
      signer: new WebhookSigner(TEST_SECRETS),
      timeoutMs: options.timeoutMs,
    }),
    batchSize: options.batchSize,
    maxConcurrency: options.maxConcurrency,
    initialConcurrency: options.initialConcurrency,
    retry: { baseMs: 20, maxMs: 200 },
    maxEventAttempts: options.maxEventAttempts ?? 3,
    receiverHealth: new ReceiverHealth({
      healthUrl: new URL('/api/health', receiver.url).toString(),
      timeoutMs: 1_000,
    }),
    logger: silentLogger,
    metrics,
    signal: abort.signal,
    handlers: {
      processAcknowledged: (item) => acked.push(item),
      processDeadLetter: (item, refusal) => {
        if (options.deadLetters === 'fatal') return Promise.reject(new Error('no dead letters expected'));
        deadLetters.push({ item, ...refusal });
        return Promise.resolve();
      },
      processError: (error) => {
        throw error;
      },
    },
  });
  const limits: number[] = [];
  const sampler =
    options.sampleLimitEveryMs === undefined
      ? undefined
      : setInterval(() => limits.push(dispatcher.concurrencyLimit), options.sampleLimitEveryMs);
  return {
    receiver,
    dispatcher,
    metrics,
    acked,
    deadLetters,
    limits,
    enqueue: (events) =>
      events.forEach((event) => dispatcher.enqueue({ event, blockHeight: event.data.ledger.blockHeight })),
    stop: async () => {
      clearInterval(sampler);
      abort.abort();
      await receiver.close();
    },
  };
}

/** Registers an afterEach that stops whatever harness the test started; returns the starter. */
export function deliveryHarnessPerTest(): (options: DeliveryHarnessOptions) => Promise<DeliveryHarness> {
  let current: DeliveryHarness | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (options) => (current = await startDeliveryHarness(options));
}

/** The fleet's events in commit order: round by round, so each vehicle's events keep their chain order. */
export function fleetEvents(company: KeyPair, cars: CarHistory[]): Promise<OwnershipEvent[]> {
  return eventsFor([company.publicKey], rounds(cars).flat());
}

/** Event ids per vehicle (subject), in the order given. */
export function idsByVehicle(events: OwnershipEvent[]): Map<string, string[]> {
  const byVehicle = new Map<string, string[]>();
  for (const e of events) byVehicle.set(e.subject, [...(byVehicle.get(e.subject) ?? []), e.id]);
  return byVehicle;
}
