// ReviewQueue table: the listing index of review items. PK = "open" or "resolved", RK = asset id +
// history row key of the record to review. The truth lives in the car's partition (the record, the
// coverage in force and the resolution marker); these rows only make the two listings one partition
// query each. Writers keep them in step after each commit (see SideEffects and ReviewService), and
// every write is idempotent. One boolean column per reason code ("r_<code>") lets the listing filter
// by reason on the server. Entries of earlier versions (PK = month) are not listed: replaying their
// events queues them again.
import { encodeTableKey, odataString } from '@lease-premium/events/azure-storage';
import { type Page, decodeContinuationToken, encodeContinuationToken } from './continuation-token';
import { packJson, unpackJson } from './packed-json';
import { isNotFound, storageCall } from './storage-errors';
import { type TableStore } from './table-store';
import type { ReviewEntry } from '../coverage/review-entry';
import type { ReviewResolution } from '../coverage/review-resolution';

export type QueueStatus = 'open' | 'resolved';

export interface QueuedReview {
  entry: ReviewEntry;
  status: QueueStatus;
  resolution?: ReviewResolution;
}

/** Table column that marks an entry with a reason code (codes are kebab-case). */
export function reasonColumn(code: string): string {
  return `r_${code.replace(/-/g, '_')}`;
}

function rowKeyOf(assetId: string, historyRowKey: string): string {
  return encodeTableKey(`${assetId}~${historyRowKey}`);
}

export class ReviewQueueRepository {
  /** `reasonCodes`: the codes of an entry's reasons (columns for the reason filter). */
  constructor(
    private readonly store: TableStore,
    private readonly reasonCodes: (entry: ReviewEntry) => string[],
  ) {}

  /** Idempotent: the same record always lands on the same row with the same content. */
  putOpen(entry: ReviewEntry): Promise<void> {
    return this.put('open', entry, undefined);
  }

  /** Open items, counted up to `limit` (keys only, a page of 1,000 per request). */
  async countUpTo(limit: number): Promise<number> {
    const table = await this.store.table(this.store.names.reviewQueue);
    return storageCall('count review queue', async () => {
      let count = 0;
      for await (const page of table
        .listEntities({ queryOptions: { filter: `PartitionKey eq ${odataString('open')}`, select: ['PartitionKey'] } })
        .byPage({ maxPageSize: 1_000 })) {
        count += page.length;
        if (count >= limit) return limit;
      }
      return count;
    });
  }

  /** Idempotent; a resolution never changes once recorded, so the row's content never does either. */
  putResolved(entry: ReviewEntry, resolution: ReviewResolution): Promise<void> {
    return this.put('resolved', entry, resolution);
  }

  /** Removes an item from the open listing (absent already: nothing to do). */
  async removeOpen(assetId: string, historyRowKey: string): Promise<void> {
    const table = await this.store.table(this.store.names.reviewQueue);
    try {
      await storageCall('remove open review entry', () => table.deleteEntity('open', rowKeyOf(assetId, historyRowKey)));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** One page of a listing; a filtered page may hold fewer than `pageSize` items (follow the token). */
  async list(
    status: QueueStatus,
    reasonCode: string | undefined,
    pageSize: number,
    continuationToken: string | undefined,
  ): Promise<Page<QueuedReview>> {
    const table = await this.store.table(this.store.names.reviewQueue);
    const sdkToken = decodeContinuationToken(continuationToken);
    const filter = `PartitionKey eq ${odataString(status)}${reasonCode ? ` and ${reasonColumn(reasonCode)} eq true` : ''}`;
    const page = await storageCall('list review queue', async () => {
      const result = await table
        .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
        .byPage({ maxPageSize: pageSize, continuationToken: sdkToken })
        .next();
      return result.done ? undefined : result.value;
    });
    if (!page) return { items: [] };
    const token = encodeContinuationToken(page.continuationToken);
    const items = page.map((row): QueuedReview => {
      const resolution = unpackJson(row, 'resolution') as ReviewResolution | undefined;
      return { entry: unpackJson(row, 'doc') as ReviewEntry, status, ...(resolution ? { resolution } : {}) };
    });
    return { items, ...(token ? { continuationToken: token } : {}) };
  }

  private async put(status: QueueStatus, entry: ReviewEntry, resolution: ReviewResolution | undefined): Promise<void> {
    const table = await this.store.table(this.store.names.reviewQueue);
    const entity = {
      partitionKey: status,
      rowKey: rowKeyOf(entry.assetId, entry.historyRowKey),
      assetId: entry.assetId,
      transactionId: entry.transactionId,
      ...Object.fromEntries(this.reasonCodes(entry).map((code) => [reasonColumn(code), true])),
      ...packJson('doc', entry),
      ...(resolution ? packJson('resolution', resolution) : {}),
    };
    await storageCall(`add ${status} review entry`, () => table.upsertEntity(entity, 'Replace'));
  }
}
