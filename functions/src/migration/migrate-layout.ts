// Copies the tables of the earlier layout (one partition per car and per driver) into the tables by
// shard, a page of rows at a time (./migrated-row.ts maps each row). Every row is written with an
// upsert that replaces the whole row, so a second run writes the same rows again: the copy is
// idempotent, and after an interruption a rerun completes it. The old tables are only read; deleting
// them is the operator's step once the result is checked (functions/README.md).
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { submitUnits } from '../storage/partition-transactions';
import { StorageUnavailableError, isTableMissing, isTransientStorageFailure } from '../storage/storage-errors';
import type { TableStore } from '../storage/table-store';
import { migratedRow, type LegacyTableKind, type TableRow } from './migrated-row';

/** Most rows one query answers (https://learn.microsoft.com/rest/api/storageservices/query-timeout-and-pagination). */
const PAGE_SIZE = 1_000;

/** Failed rows described in a table's result (the count covers all of them). */
const MAX_FAILURES_LISTED = 100;

const TABLE_ORDER: readonly LegacyTableKind[] = ['drivers', 'driverVehicles', 'vehicles'];

export interface RowFailure {
  /** The keys of the row in the old table. */
  partitionKey: string;
  rowKey: string;
  error: string;
}

export interface TableMigration {
  kind: LegacyTableKind;
  from: string;
  to: string;
  /** The old table does not exist: nothing to copy. */
  missing: boolean;
  read: number;
  written: number;
  failed: number;
  failures: RowFailure[];
}

export interface MigrationOptions {
  pageSize?: number;
  /** Called after each page is written, with the table's counts so far. */
  onPage?: (progress: Readonly<TableMigration>) => void;
}

/**
 * Copies each legacy table into its table by shard (created if missing). A row refused by storage is
 * counted and described, the others are copied; storage out of reach throws StorageUnavailableError
 * (rows written until then stay written: run again).
 */
export async function migrateLayout(
  store: TableStore,
  legacy: Readonly<Record<LegacyTableKind, string>>,
  options: MigrationOptions = {},
): Promise<TableMigration[]> {
  const results: TableMigration[] = [];
  for (const kind of TABLE_ORDER) results.push(await migrateTable(store, kind, legacy[kind], options));
  return results;
}

async function migrateTable(
  store: TableStore,
  kind: LegacyTableKind,
  from: string,
  options: MigrationOptions,
): Promise<TableMigration> {
  const result: TableMigration = {
    kind,
    from,
    to: store.names[kind],
    missing: false,
    read: 0,
    written: 0,
    failed: 0,
    failures: [],
  };
  const fail = (legacy: Readonly<Record<string, unknown>>, error: unknown) => {
    result.failed++;
    if (result.failures.length < MAX_FAILURES_LISTED)
      result.failures.push({
        partitionKey: String(legacy.partitionKey),
        rowKey: String(legacy.rowKey),
        error: error instanceof Error ? error.message : String(error),
      });
  };
  const pages = store
    .existingTable(from)
    .listEntities<Record<string, unknown>>()
    .byPage({ maxPageSize: options.pageSize ?? PAGE_SIZE });
  let target: TableClient | undefined;
  for (let first = true; ; first = false) {
    let page;
    try {
      page = await pages.next();
    } catch (error) {
      if (first && isTableMissing(error)) return { ...result, missing: true };
      if (isTransientStorageFailure(error)) throw new StorageUnavailableError(`read ${from}`, error);
      throw error;
    }
    if (page.done) return result;
    result.read += page.value.length;
    const copies: { legacy: Record<string, unknown>; row: TableRow }[] = [];
    for (const legacy of page.value) {
      try {
        copies.push({ legacy, row: migratedRow(kind, legacy) });
      } catch (error) {
        fail(legacy, error);
      }
    }
    target ??= await store.table(result.to);
    const outcomes = await submitUnits(
      target,
      copies.map(({ row }) => ({
        partitionKey: row.partitionKey,
        actions: [['upsert', row, 'Replace'] satisfies TransactionAction],
      })),
      `copy ${from} to ${result.to}`,
    );
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) result.written++;
      else fail((copies[i] as (typeof copies)[number]).legacy, outcome.error);
    });
    options.onPage?.(result);
  }
}
