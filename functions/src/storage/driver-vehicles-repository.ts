// DriverVehicles table (<prefix>LinkShards): PK = shardOf(driver public key), RK = "<encoded driver
// key>|<encoded asset id>": one row per car the driver leases. An index for re-rating a driver's cars;
// the car's current coverage stays the source of truth, so a stale entry is harmless (re-rating checks
// the coverage). Links of many drivers of one shard are written and ended together, one transaction per
// 100 (linkMany, unlinkMany). Ending a link marks it ended ("ended" = the history row key of the event
// that ended it) under its ETag, because a transaction can delete a row only unconditionally; ended
// rows are deleted, again under their ETag, when the driver's cars are next listed.
import type { TransactionAction } from '@azure/data-tables';
import { decodeTableKey, encodeTableKey, isConflict, odataString } from '@lease-premium/events/azure-storage';
import { submitUnits } from './partition-transactions';
import { ownedRowKey, ownedRowKeyRange, rowNameOf, shardOf } from './shard-key';
import { isNotFound, storageCall } from './storage-errors';
import { type TableStore } from './table-store';

/** Upper bound on cars one driver can lease at once (bounded loops; far above any real lessee). */
const MAX_VEHICLES_PER_DRIVER = 10_000;

export interface DriverLink {
  driverKey: string;
  assetId: string;
}

/** The ETag of the link written, or the storage error that refused it. */
export type LinkOutcome = { ok: true; etag: string | undefined } | { ok: false; error: unknown };

/** A link to end if an event before `closedAt` created it; `knownEtag`: its ETag when that event wrote it. */
export interface Unlink extends DriverLink {
  closedAt: string;
  knownEtag?: string | undefined;
}

type EndResult = 'ended' | 'absent' | 'changed';

function linkRow({ driverKey, assetId }: DriverLink): { partitionKey: string; rowKey: string } {
  return { partitionKey: shardOf(driverKey), rowKey: ownedRowKey(driverKey, encodeTableKey(assetId)) };
}

function endAction(link: DriverLink, closedAt: string, etag: string): TransactionAction {
  return ['update', { ...linkRow(link), ended: closedAt }, 'Merge', { etag }];
}

export class DriverVehiclesRepository {
  constructor(private readonly store: TableStore) {}

  private table() {
    return this.store.table(this.store.names.driverVehicles);
  }

  /**
   * Links a driver to a car. `since` = the history row key of the event that made the driver a
   * lessee: row keys sort in ledger order, which lets a later closure tell old links from new ones.
   * Returns the link's ETag: kept in the car's coverage, it lets the event that ends the lease end
   * an unchanged link without reading it.
   */
  async link(driverKey: string, assetId: string, since: string): Promise<string | undefined> {
    const [outcome] = await this.linkMany([{ driverKey, assetId, since }]);
    if (!outcome?.ok) throw outcome?.error;
    return outcome.etag;
  }

  /** link() for many (driver, car) pairs, each pair at most once; outcomes in order. */
  async linkMany(links: readonly (DriverLink & { since: string })[]): Promise<LinkOutcome[]> {
    const table = await this.table();
    const units = links.map((link) => ({
      partitionKey: shardOf(link.driverKey),
      actions: [['upsert', { ...linkRow(link), since: link.since }, 'Replace'] satisfies TransactionAction],
    }));
    const outcomes = await submitUnits(table, units, 'add driver-vehicle links');
    return outcomes.map((o) => (o.ok ? { ok: true, etag: o.etags[0] } : o));
  }

  /**
   * Ends each link if an event before its `closedAt` (a history row key) created it. A link written
   * by a later event, before or during this call (the ETag check), stays. Links whose ETag is known
   * are ended under it, many per transaction; a link rewritten since (or without a known ETag) is
   * read and compared.
   */
  async unlinkMany(unlinks: readonly Unlink[]): Promise<void> {
    const known = unlinks.filter((u): u is Unlink & { knownEtag: string } => u.knownEtag !== undefined);
    const table = await this.table();
    const outcomes = await submitUnits(
      table,
      known.map((u) => ({ partitionKey: shardOf(u.driverKey), actions: [endAction(u, u.closedAt, u.knownEtag)] })),
      'end driver-vehicle links',
    );
    const changed = known.filter((_, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined || outcome.ok || isNotFound(outcome.error)) return false;
      if (isConflict(outcome.error)) return true;
      throw outcome.error;
    });
    await Promise.all(
      [...unlinks.filter((u) => u.knownEtag === undefined), ...changed].map((u) =>
        this.unlinkIfBefore(u.driverKey, u.assetId, u.closedAt),
      ),
    );
  }

  /**
   * Ends the link if an event before `closedAt` created it. `knownEtag`: the link's ETag when the
   * event that created it wrote it; if the link is unchanged since, it is that event's and one
   * conditional write ends it. Otherwise (rewritten, or no ETag known) read and compare.
   */
  async unlinkIfBefore(driverKey: string, assetId: string, closedAt: string, knownEtag?: string): Promise<boolean> {
    const link = { driverKey, assetId };
    if (knownEtag !== undefined) {
      const result = await this.endIfUnchanged(link, closedAt, knownEtag);
      if (result !== 'changed') return result === 'ended';
    }
    const table = await this.table();
    const row = linkRow(link);
    let stored;
    try {
      stored = await storageCall('read driver-vehicle link', () =>
        table.getEntity<{ since?: string; ended?: string }>(row.partitionKey, row.rowKey),
      );
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    if (stored.ended !== undefined) return false;
    if (typeof stored.since === 'string' && stored.since >= closedAt) return false;
    return (await this.endIfUnchanged(link, closedAt, stored.etag)) === 'ended';
  }

  private async endIfUnchanged(link: DriverLink, closedAt: string, etag: string): Promise<EndResult> {
    const [outcome] = await submitUnits(
      await this.table(),
      [{ partitionKey: shardOf(link.driverKey), actions: [endAction(link, closedAt, etag)] }],
      'end driver-vehicle link',
    );
    if (outcome === undefined || outcome.ok) return 'ended';
    if (isNotFound(outcome.error)) return 'absent';
    if (isConflict(outcome.error)) return 'changed';
    throw outcome.error;
  }

  /** The cars the driver leases; ended links seen on the way are deleted (each under its ETag). */
  async vehiclesOf(driverKey: string): Promise<string[]> {
    const table = await this.table();
    const { start, end } = ownedRowKeyRange(driverKey);
    const shard = shardOf(driverKey);
    const filter = `PartitionKey eq ${odataString(shard)} and RowKey ge ${odataString(start)} and RowKey lt ${odataString(end)}`;
    const { assetIds, ended } = await storageCall('list driver vehicles', async () => {
      const live: string[] = [];
      const done: { rowKey: string; etag: string }[] = [];
      const rows = table.listEntities<{ ended?: string }>({ queryOptions: { filter, select: ['RowKey', 'ended'] } });
      for await (const row of rows) {
        if (live.length >= MAX_VEHICLES_PER_DRIVER) break;
        const name = row.rowKey === undefined ? undefined : rowNameOf(row.rowKey);
        if (name === undefined) continue;
        if (row.ended === undefined) live.push(decodeTableKey(name));
        else if (row.rowKey !== undefined) done.push({ rowKey: row.rowKey, etag: row.etag });
      }
      return { assetIds: live, ended: done };
    });
    await Promise.all(
      ended.map(({ rowKey, etag }) =>
        storageCall('delete ended driver-vehicle link', () => table.deleteEntity(shard, rowKey, { etag })).catch(
          (error: unknown) => {
            if (!isNotFound(error) && !isConflict(error)) throw error; // gone, or linked again meanwhile
          },
        ),
      ),
    );
    return assetIds;
  }
}
