// Vehicles table (<prefix>CarShards): the current coverage, the history and the processed-event/re-rate
// markers of one car share its shard's partition, so each event (or re-rate) is ONE atomic set of
// rows: history record + marker (both "create": a second writer gets 409) + current coverage (ETag
// If-Match: a concurrent change gets 412); many cars of one shard go in one transaction (commitMany).
// Rows are stored as a JSON document plus a few scalar columns for reading by eye.
// Rows of one car (PK = shardOf(asset id), RK = "<encoded asset id>|<row name>"):
//   "current"                  the coverage in force (or the registration / closure), ETag-guarded
//   "h~..."                    the history records, keyed as ../coverage/history-row-key.ts says
//   "evt~<txid>"               processed-event marker: the stored outcome of that event
//   "rr~<driver>~<revision>"   processed re-rate marker: one per driver-history revision
//   "rv~<history row key>"     review-resolution marker: how an underwriter resolved that record
import { type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { encodeTableKey, odataString, padNumber } from '@lease-premium/events/azure-storage';
import { currentNeedsReview, type CurrentCoverage } from '../coverage/coverage';
import { needsReviewOf, type HistoryRecord } from '../coverage/history-record';
import { HISTORY_ROW_KEY_RANGE } from '../coverage/history-row-key';
import type { ReviewResolution } from '../coverage/review-resolution';
import type { EventMarker, RerateMarker } from '../coverage/work-marker';
import { type Page, decodeContinuationToken, encodeContinuationToken } from './continuation-token';
import { packJson, unpackJson } from './packed-json';
import { submitUnits, type TransactionUnit, type UnitOutcome } from './partition-transactions';
import { ownedRowKey, shardOf } from './shard-key';
import { isNotFound, storageCall } from './storage-errors';
import { type TableStore } from './table-store';

/** The row name of a car's coverage in force. */
export const CURRENT_ROW = 'current';

/** The column that marks a car's current row, for the listing of every car (a filtered scan). */
export const CURRENT_ROW_FILTER = 'isCurrent eq true';

function resolutionMarkerRowKey(reviewedRowKey: string): string {
  return `rv~${reviewedRowKey}`;
}

function eventMarkerRowKey(transactionId: string): string {
  return `evt~${transactionId}`;
}

function rerateMarkerRowKey(driverKey: string, revision: number): string {
  return `rr~${encodeTableKey(driverKey)}~${padNumber(revision, 10)}`;
}

export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface RerateState {
  current?: Versioned<CurrentCoverage>;
  marker?: RerateMarker;
}

/** The writes of one event or re-rate; `current.etag` undefined = the car has no current row yet. */
export interface CoverageWrite {
  history: HistoryRecord;
  current?: { value: CurrentCoverage; etag: string | undefined };
  eventMarker?: EventMarker;
  rerateMarker?: RerateMarker;
  /** "create": a second resolution of the same record gets 409. */
  resolutionMarker?: ReviewResolution;
}

/** A commit's outcome: the ETag of the current row written, or the storage error that refused it (409/412: a lost race). */
export type CommitOutcome = { ok: true; currentEtag: string | undefined } | { ok: false; error: unknown };

type Row = Record<string, unknown>;

export class VehiclesRepository {
  constructor(private readonly store: TableStore) {}

  private table(): Promise<TableClient> {
    return this.store.table(this.store.names.vehicles);
  }

  /** The stored outcome of an event on this car, if it was processed (a point read). */
  readEventMarker(assetId: string, transactionId: string): Promise<EventMarker | undefined> {
    return this.readDoc<EventMarker>(assetId, eventMarkerRowKey(transactionId), 'read event marker');
  }

  /** The current coverage and this re-rate's marker: two point reads at once (a query would scan). */
  async readRerateState(assetId: string, driverKey: string, revision: number): Promise<RerateState> {
    const [current, marker] = await Promise.all([
      this.readCurrent(assetId),
      this.readDoc<RerateMarker>(assetId, rerateMarkerRowKey(driverKey, revision), 'read re-rate marker'),
    ]);
    return { ...(current ? { current } : {}), ...(marker ? { marker } : {}) };
  }

  /** How an underwriter resolved a history record, if they did (a point read). */
  readResolution(assetId: string, reviewedRowKey: string): Promise<ReviewResolution | undefined> {
    return this.readDoc<ReviewResolution>(assetId, resolutionMarkerRowKey(reviewedRowKey), 'read review resolution');
  }

  async readCurrent(assetId: string): Promise<Versioned<CurrentCoverage> | undefined> {
    const row = await this.readRow(assetId, CURRENT_ROW, 'read current coverage');
    return row && { value: docOf<CurrentCoverage>(row), etag: row.etag };
  }

  readHistoryRecord(assetId: string, rowKey: string): Promise<HistoryRecord | undefined> {
    return this.readDoc<HistoryRecord>(assetId, rowKey, 'read history record');
  }

  /** One atomic write. Throws a 409/412 RestError when another writer got there first. */
  async commit(write: CoverageWrite): Promise<string | undefined> {
    const [outcome] = await this.commitMany([write]);
    if (!outcome?.ok) throw outcome?.error;
    return outcome.currentEtag;
  }

  /**
   * Each write atomic, writes of cars in one shard sent together (one transaction per 100 rows);
   * outcomes in order. A write refused by storage (a lost race, a 4xx of its own) is its outcome;
   * storage out of reach throws StorageUnavailableError.
   */
  async commitMany(writes: readonly CoverageWrite[]): Promise<CommitOutcome[]> {
    // A write whose rows cannot be built (a document or key too large to store) is refused alone.
    const built = writes.map((write): TransactionUnit | { refused: unknown } => {
      try {
        return { partitionKey: shardOf(write.history.assetId), actions: actionsOf(write) };
      } catch (error) {
        return { refused: error };
      }
    });
    const units = built.filter((unit): unit is TransactionUnit => !('refused' in unit));
    const submitted =
      units.length > 0 ? await submitUnits(await this.table(), units, 'commit coverage transaction') : [];
    let next = 0;
    return built.map((unit, i): CommitOutcome => {
      if ('refused' in unit) return { ok: false, error: unit.refused };
      const outcome = submitted[next++] as UnitOutcome;
      if (!outcome.ok) return outcome;
      return { ok: true, currentEtag: writes[i]?.current ? outcome.etags[outcome.etags.length - 1] : undefined };
    });
  }

  /**
   * Changes the current row's ETag without changing its content, so a writer that read it before
   * (and may have rated with driver facts older than a change being re-rated) must re-read and retry.
   */
  async touch(assetId: string, etag: string): Promise<void> {
    const table = await this.table();
    await storageCall('touch current coverage', () =>
      table.updateEntity(
        {
          partitionKey: shardOf(assetId),
          rowKey: ownedRowKey(assetId, CURRENT_ROW),
          touchedAt: new Date().toISOString(),
        },
        'Merge',
        { etag },
      ),
    );
  }

  /** History in ledger order (re-rates right after the event whose coverage they re-rated). */
  async listHistory(
    assetId: string,
    pageSize: number,
    continuationToken: string | undefined,
  ): Promise<Page<HistoryRecord>> {
    const table = await this.table();
    const start = ownedRowKey(assetId, HISTORY_ROW_KEY_RANGE.start);
    const end = ownedRowKey(assetId, HISTORY_ROW_KEY_RANGE.end);
    const filter = `PartitionKey eq ${odataString(shardOf(assetId))} and RowKey ge ${odataString(start)} and RowKey lt ${odataString(end)}`;
    const sdkToken = decodeContinuationToken(continuationToken);
    const page = await storageCall('list history', async () => {
      const iterator = table
        .listEntities<Row>({ queryOptions: { filter } })
        .byPage({ maxPageSize: pageSize, continuationToken: sdkToken });
      const result = await iterator.next();
      return result.done ? undefined : result.value;
    });
    if (!page) return { items: [] };
    const token = encodeContinuationToken(page.continuationToken);
    return { items: page.map((row) => docOf<HistoryRecord>(row)), ...(token ? { continuationToken: token } : {}) };
  }

  private async readRow(
    assetId: string,
    rowKey: string,
    operation: string,
  ): Promise<TableEntityResult<Row> | undefined> {
    const table = await this.table();
    try {
      return await storageCall(operation, () => table.getEntity<Row>(shardOf(assetId), ownedRowKey(assetId, rowKey)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async readDoc<T>(assetId: string, rowKey: string, operation: string): Promise<T | undefined> {
    const row = await this.readRow(assetId, rowKey, operation);
    return row && docOf<T>(row);
  }
}

type NewRow = Row & { partitionKey: string; rowKey: string };

/** The SDK would send `undefined` columns as nulls; leave them out instead. */
function withoutUndefined(row: NewRow): NewRow {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as NewRow;
}

/** The rows of one write, in this order: history, markers, current (last, so its ETag is the last). */
function actionsOf(write: CoverageWrite): TransactionAction[] {
  const { assetId } = write.history;
  const row = (name: string) => ({ partitionKey: shardOf(assetId), rowKey: ownedRowKey(assetId, name) });
  const actions: TransactionAction[] = [['create', historyEntity(row(write.history.rowKey), write.history)]];
  if (write.eventMarker) {
    const m = write.eventMarker;
    actions.push(['create', { ...row(eventMarkerRowKey(m.transactionId)), outcome: m.outcome, ...packJson('doc', m) }]);
  }
  if (write.rerateMarker) {
    const m = write.rerateMarker;
    actions.push(['create', { ...row(rerateMarkerRowKey(m.driverKey, m.revision)), ...packJson('doc', m) }]);
  }
  if (write.resolutionMarker) {
    const m = write.resolutionMarker;
    actions.push([
      'create',
      { ...row(resolutionMarkerRowKey(m.reviewedRowKey)), decision: m.decision, ...packJson('doc', m) },
    ]);
  }
  if (write.current) {
    const entity = currentEntity(row(CURRENT_ROW), write.current.value);
    actions.push(
      write.current.etag === undefined
        ? ['create', entity]
        : ['update', entity, 'Replace', { etag: write.current.etag }],
    );
  }
  return actions;
}

type RowId = { partitionKey: string; rowKey: string };

function currentEntity(id: RowId, current: CurrentCoverage): NewRow {
  return withoutUndefined({
    ...id,
    isCurrent: true,
    status: current.status,
    transactionId: current.ledger.transactionId,
    annualPremiumMinor: current.premium?.annualPremiumMinor,
    currency: current.premium?.currency,
    needsReview: currentNeedsReview(current),
    revision: current.revision,
    ...packJson('doc', current),
  });
}

function historyEntity(id: RowId, record: HistoryRecord): NewRow {
  return withoutUndefined({
    ...id,
    kind: record.kind,
    transactionId: record.ledger.transactionId,
    stale: record.stale,
    annualPremiumMinor: record.rating?.annualPremiumMinor,
    currency: record.rating?.currency,
    needsReview: needsReviewOf(record),
    ...packJson('doc', record),
  });
}

/** Rows are written only by this repository, from typed values, so the document is trusted. */
function docOf<T>(row: Row): T {
  const doc = unpackJson(row, 'doc');
  if (typeof doc !== 'object' || doc === null) throw new Error(`row ${String(row.rowKey)} has no document`);
  return doc as T;
}
