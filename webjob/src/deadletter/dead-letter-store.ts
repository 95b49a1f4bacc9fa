// Permanent refusals go here instead of being dropped: transactions that fail verification or the
// data contract, and events the receiver refused. Each letter names the ledger position so an
// operator can inspect it and `npm run replay -- --dead-letters` can rebuild it from the ledger.
import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import { backoffDelay, type BackoffPolicy } from '../util/backoff';
import { sleep } from '../util/abortable-sleep';
import { throwIfAborted } from '../util/aborted';
import type { Logger } from '../ops/logger';

export type DeadLetterKind =
  | 'verification-failed' // id hash or a signature does not verify, or the CREATE was not signed by its trusted issuer
  | 'malformed' // a trusted car's data breaks the shared data contract
  | 'rejected' // the receiver answered outcome "rejected" for the event
  | 'refused'; // the receiver answered a non-retryable 4xx for the request carrying the event

export interface DeadLetter {
  kind: DeadLetterKind;
  reason: string;
  transactionId: string;
  assetId: string | undefined;
  blockHeight: number;
  indexInBlock: number;
  /** The CloudEvent (delivery refusals) or the ledger transaction (verification/contract failures). */
  payload: unknown;
  deadLetteredAt: string;
  replay?: boolean;
}

export interface ReceivedDeadLetter {
  /** undefined when the message is not a dead letter this WebJob wrote (kept, never replayed). */
  letter: DeadLetter | undefined;
  /** Removes the letter for good (after a successful replay). */
  remove(): Promise<void>;
}

export interface DeadLetterStore {
  add(letter: DeadLetter, signal?: AbortSignal): Promise<void>;
  /** Takes up to `max` letters out of sight for `hideSeconds` (they reappear unless removed). */
  receive(max: number, hideSeconds: number): Promise<ReceivedDeadLetter[]>;
}

const DeadLetterMessage = z.object({
  kind: z.enum(['verification-failed', 'malformed', 'rejected', 'refused']),
  reason: z.string(),
  transactionId: z.string(),
  assetId: z.string().optional(),
  blockHeight: z.int().min(0),
  indexInBlock: z.int().min(0),
  payload: z.unknown(),
  deadLetteredAt: z.string(),
  replay: z.boolean().optional(),
});

function parseLetter(text: string): DeadLetter | undefined {
  try {
    const parsed = DeadLetterMessage.safeParse(JSON.parse(text));
    return parsed.success ? { ...parsed.data, assetId: parsed.data.assetId } : undefined;
  } catch {
    return undefined;
  }
}

/** Azure Queue messages are limited to 64 KiB; oversized payloads are replaced by a pointer. */
const MAX_MESSAGE_CHARS = 48_000;

export class QueueDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly queue: QueueClient,
    private readonly retry: BackoffPolicy,
    private readonly logger: Logger,
  ) {}

  async add(letter: DeadLetter, signal?: AbortSignal): Promise<void> {
    let text = JSON.stringify(letter);
    if (text.length > MAX_MESSAGE_CHARS) {
      text = JSON.stringify({ ...letter, payload: { truncated: true, note: 'payload too large for a queue message: read the transaction from the ledger by id and height' } });
    }
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      try {
        // -1: never expires (the queue default is 7 days, which would silently lose letters)
        await this.queue.sendMessage(text, { messageTimeToLive: -1 });
        this.logger.warn('dead-lettered', { kind: letter.kind, reason: letter.reason, transactionId: letter.transactionId, assetId: letter.assetId, blockHeight: letter.blockHeight });
        return;
      } catch (error) {
        const delayMs = backoffDelay(this.retry, attempt);
        this.logger.error('dead-letter write failed; retrying', { attempt, delayMs, error });
        await sleep(delayMs, signal);
      }
    }
  }

  async receive(max: number, hideSeconds: number): Promise<ReceivedDeadLetter[]> {
    const response = await this.queue.receiveMessages({ numberOfMessages: Math.min(32, max), visibilityTimeout: hideSeconds });
    return response.receivedMessageItems.map((item) => ({
      letter: parseLetter(item.messageText),
      remove: async () => {
        await this.queue.deleteMessage(item.messageId, item.popReceipt);
      },
    }));
  }
}
