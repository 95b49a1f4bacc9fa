// How one row of the earlier layout (one partition per car or driver: legacyTableNames) maps to its
// row in the tables by shard (../storage/shard-key.ts). The old PartitionKey is the owner's encoded
// key (a car's asset id, a driver's public key) and the old RowKey is the row's name, which the new
// RowKey keeps after the owner: "current", "h~...", "evt~<txid>", "rr~...", "rv~..." of a car,
// "profile" of a driver, the encoded asset id of a driver's link. Every column is kept as the SDK
// reads it, which writes it back with the type the repositories gave it (text, booleans, whole numbers).
import { decodeTableKey } from '@lease-premium/events/azure-storage';
import { ownedRowKey, shardOf } from '../storage/shard-key';
import type { TableNames } from '../storage/table-names';
import { CURRENT_ROW } from '../storage/vehicles-repository';

/** The tables the migration copies (the review queue kept its layout). */
export type LegacyTableKind = Exclude<keyof TableNames, 'reviewQueue'>;

export interface TableRow {
  partitionKey: string;
  rowKey: string;
  [column: string]: unknown;
}

/** What the service sets on every row (as the SDK names it when reading): never written back. */
function isSystemProperty(name: string): boolean {
  return name === 'etag' || name === 'timestamp' || name.startsWith('odata.');
}

/** The row by shard of a legacy row; throws TypeError for a row without keys, RangeError for a key too long. */
export function migratedRow(kind: LegacyTableKind, legacy: Readonly<Record<string, unknown>>): TableRow {
  const { partitionKey, rowKey } = legacy;
  if (typeof partitionKey !== 'string' || typeof rowKey !== 'string')
    throw new TypeError('a row without a PartitionKey or RowKey');
  const owner = decodeTableKey(partitionKey);
  const row: TableRow = { partitionKey: shardOf(owner), rowKey: ownedRowKey(owner, rowKey) };
  for (const [name, value] of Object.entries(legacy))
    if (name !== 'partitionKey' && name !== 'rowKey' && !isSystemProperty(name)) row[name] = value;
  // The console lists cars by this column; the old layout found current rows by their RowKey.
  if (kind === 'vehicles' && rowKey === CURRENT_ROW) row.isCurrent = true;
  return row;
}
