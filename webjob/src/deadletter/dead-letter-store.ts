// Permanent refusals go here instead of being dropped: transactions that fail verification or the
// data contract, and events the receiver refused. Each letter names the ledger position so an
// operator can inspect it and `npm run replay -- --dead-letters` can rebuild it from the ledger.
import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { z } from 'zod';
import { DEAD_LETTER_KINDS, type DeadLetterKind } from '@lease-premium/events';
import { statusOf } from '@lease-premium/events/azure-storage';
import { DEAD_LETTER_TUNING } from '../tuning';
import { retry, RetryLater, type BackoffPolicy, type RetryNotice } from '../util/retry';
import type { Logger } from '../ops/logger';

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
  /** poison: the status of the last failed attempt and how many attempts the event had alone. */
  lastStatus?: number | 'timeout' | 'network';
  attempts?: number;
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
  /** Letters in the queue now, by kind (hidden ones included, removed ones not). */
  countByKind(): Promise<Record<DeadLetterKind, number>>;
}

const DeadLetterMessage = z.object({
  kind: z.enum(DEAD_LETTER_KINDS),
  reason: z.string(),
  transactionId: z.string(),
  assetId: z.string().optional(),
  blockHeight: z.int().min(0),
  indexInBlock: z.int().min(0),
  payload: z.unknown(),
  deadLetteredAt: z.string(),
  replay: z.boolean().optional(),
  lastStatus: z.union([z.int(), z.enum(['timeout', 'network'])]).optional(),
  attempts: z.int().min(1).optional(),
});

/** The letter, and the key of its row in the by-kind index (letters written before the index have none). */
function parseLetter(text: string): { letter: DeadLetter | undefined; indexKey: string | undefined } {
  try {
    const json: unknown = JSON.parse(text);
    const parsed = DeadLetterMessage.safeParse(json);
    const indexKey =
      typeof json === 'object' && json !== null && 'indexKey' in json && typeof json.indexKey === 'string'
        ? json.indexKey
        : undefined;
    return { letter: parsed.success ? { ...parsed.data, assetId: parsed.data.assetId } : undefined, indexKey };
  } catch {
    return { letter: undefined, indexKey: undefined };
  }
}

// A queue cannot count its messages by kind, so each letter also has a row in the checkpoints
// table: written before the message, deleted after it. A crash in between leaves at most one
// letter counted without a message (the event is redelivered and dead-lettered again).
// encodeTableKey() never yields this partition: its escapes use upper-case hex.
const INDEX_PARTITION = '%dead-letters';

export class QueueDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly queue: QueueClient,
    /** The by-kind index (the checkpoints table). */
    private readonly index: TableClient,
    private readonly retry: BackoffPolicy,
    private readonly logger: Logger,
  ) {}

  async add(letter: DeadLetter, signal?: AbortSignal): Promise<void> {
    const indexKey = `${letter.kind}~${randomUUID()}`;
    let text = JSON.stringify({ ...letter, indexKey });
    if (text.length > DEAD_LETTER_TUNING.maxMessageChars) {
      text = JSON.stringify({
        ...letter,
        indexKey,
        payload: {
          truncated: true,
          note: 'payload too large for a queue message: read the transaction from the ledger by id and height',
        },
      });
    }
    const onRetry = ({ attempt, delayMs, problem }: RetryNotice): void =>
      this.logger.error('dead-letter write failed; retrying', { attempt, delayMs, error: problem });
    await retry({ policy: this.retry, signal, onRetry }, async () => {
      try {
        await this.index.upsertEntity(
          { partitionKey: INDEX_PARTITION, rowKey: indexKey, transactionId: letter.transactionId },
          'Replace',
        );
        // -1: never expires (the queue default is 7 days, which would silently lose letters)
        await this.queue.sendMessage(text, { messageTimeToLive: -1 });
      } catch (error) {
        return new RetryLater(error);
      }
      this.logger.warn('dead-lettered', {
        kind: letter.kind,
        reason: letter.reason,
        transactionId: letter.transactionId,
        assetId: letter.assetId,
        blockHeight: letter.blockHeight,
      });
      return undefined;
    });
  }

  async receive(max: number, hideSeconds: number): Promise<ReceivedDeadLetter[]> {
    const response = await this.queue.receiveMessages({
      numberOfMessages: Math.min(32, max),
      visibilityTimeout: hideSeconds,
    });
    return response.receivedMessageItems.map((item) => {
      const { letter, indexKey } = parseLetter(item.messageText);
      return {
        letter,
        remove: async () => {
          await this.queue.deleteMessage(item.messageId, item.popReceipt);
          if (indexKey !== undefined) await this.index.deleteEntity(INDEX_PARTITION, indexKey).catch(ignoreNotFound);
        },
      };
    });
  }

  async countByKind(): Promise<Record<DeadLetterKind, number>> {
    const counts = Object.fromEntries(DEAD_LETTER_KINDS.map((kind) => [kind, 0])) as Record<DeadLetterKind, number>;
    const rows = this.index.listEntities<object>({
      queryOptions: { filter: `PartitionKey eq '${INDEX_PARTITION}'`, select: ['RowKey'] },
    });
    for await (const row of rows) {
      const kind = (row.rowKey ?? '').split('~')[0] as DeadLetterKind;
      if (kind in counts) counts[kind] += 1;
    }
    return counts;
  }
}

function ignoreNotFound(error: unknown): void {
  if (statusOf(error) !== 404) throw error;
}
