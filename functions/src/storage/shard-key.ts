// Cars and drivers live in a fixed number of partitions ("shards") chosen by a stable hash of their
// key, so that one entity-group transaction (one partition, up to 100 rows) can carry the writes of
// many cars, and one query the rows of many drivers. A row's key inside its shard starts with the
// owner's encoded key and a "|" (which encodeTableKey always escapes), so one owner's rows stay
// together and apart from every other owner's. The count is part of the stored layout: changing it
// moves every row (see the migration command), so it is a constant, not a setting. Eight shards keep a
// 100-event delivery at about 12 cars per transaction while spreading writes over 8 partitions of
// Azure's ~2,000 entities/s each
// (https://learn.microsoft.com/azure/storage/tables/scalability-targets).
import { encodeTableKey } from '@lease-premium/events/azure-storage';

export const SHARD_COUNT = 8;

const OWNER_SEPARATOR = '|';

/** The shard (PartitionKey) of a car's or a driver's rows: FNV-1a of the key, modulo SHARD_COUNT. */
export function shardOf(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `s${(hash >>> 0) % SHARD_COUNT}`;
}

/** The RowKey of an owner's row named `row` (row names are the table's own, never outside text). */
export function ownedRowKey(owner: string, row: string): string {
  return `${encodeTableKey(owner)}${OWNER_SEPARATOR}${row}`;
}

/** Every RowKey k of an owner's rows whose names start with `rowPrefix` satisfies start <= k < end. */
export function ownedRowKeyRange(owner: string, rowPrefix = ''): { start: string; end: string } {
  const start = ownedRowKey(owner, rowPrefix);
  if (rowPrefix === '')
    return { start, end: `${encodeTableKey(owner)}${String.fromCharCode(OWNER_SEPARATOR.charCodeAt(0) + 1)}` };
  const last = rowPrefix.charCodeAt(rowPrefix.length - 1);
  return { start, end: `${start.slice(0, -1)}${String.fromCharCode(last + 1)}` };
}

/** The row name of a RowKey written by ownedRowKey (undefined for any other key). */
export function rowNameOf(rowKey: string): string | undefined {
  const at = rowKey.indexOf(OWNER_SEPARATOR);
  return at < 0 ? undefined : rowKey.slice(at + 1);
}
