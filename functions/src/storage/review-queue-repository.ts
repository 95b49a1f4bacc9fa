// ReviewQueue table: PK = month the record was written ("2026-11"), RK = asset id + history row key.
// Only records that need an underwriter's look are here, so listing it is paging one small table.
import { type Page, decodeContinuationToken, encodeContinuationToken } from './continuation-token';
import { packJson, unpackJson } from './packed-json';
import { storageCall } from './storage-errors';
import { encodeKey } from './table-keys';
import { type TableStore } from './table-store';
import { type ReviewEntry } from './vehicle-records';

export function reviewBucket(recordedAt: string): string {
  return recordedAt.slice(0, 7);
}

export class ReviewQueueRepository {
  constructor(private readonly store: TableStore) {}

  /** Idempotent: the same record always lands on the same row with the same content. */
  async put(entry: ReviewEntry): Promise<void> {
    const table = await this.store.table(this.store.names.reviewQueue);
    const entity = {
      partitionKey: encodeKey(entry.bucket),
      rowKey: encodeKey(`${entry.assetId}~${entry.historyRowKey}`),
      assetId: entry.assetId,
      transactionId: entry.transactionId,
      ...packJson('doc', entry),
    };
    await storageCall('add review entry', () => table.upsertEntity(entity, 'Replace'));
  }

  /** Rows in the queue, counted up to `limit` (keys only, a page of 1,000 per request). */
  async countUpTo(limit: number): Promise<number> {
    const table = await this.store.table(this.store.names.reviewQueue);
    return storageCall('count review queue', async () => {
      let count = 0;
      for await (const page of table.listEntities({ queryOptions: { select: ['PartitionKey'] } }).byPage({ maxPageSize: 1_000 })) {
        count += page.length;
        if (count >= limit) return limit;
      }
      return count;
    });
  }

  async list(pageSize: number, continuationToken: string | undefined): Promise<Page<ReviewEntry>> {
    const table = await this.store.table(this.store.names.reviewQueue);
    const sdkToken = decodeContinuationToken(continuationToken);
    const page = await storageCall('list review queue', async () => {
      const result = await table.listEntities<Record<string, unknown>>().byPage({ maxPageSize: pageSize, continuationToken: sdkToken }).next();
      return result.done ? undefined : result.value;
    });
    if (!page) return { items: [] };
    const token = encodeContinuationToken(page.continuationToken);
    return { items: page.map((row) => unpackJson(row, 'doc') as ReviewEntry), ...(token ? { continuationToken: token } : {}) };
  }
}
