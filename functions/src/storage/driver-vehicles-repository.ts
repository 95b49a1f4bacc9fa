// DriverVehicles table: PK = driver public key, RK = asset id of a car the driver currently leases.
// An index for re-rating a driver's cars; the car's current coverage stays the source of truth,
// so a stale entry is harmless (re-rating checks the coverage and removes it).
import { decodeTableKey, encodeTableKey, isConflict, odataString } from '@lease-premium/events/azure-storage';
import { isNotFound, storageCall } from './storage-errors';
import { type TableStore } from './table-store';

/** Upper bound on cars one driver can lease at once (bounded loops; far above any real lessee). */
const MAX_VEHICLES_PER_DRIVER = 10_000;

export class DriverVehiclesRepository {
  constructor(private readonly store: TableStore) {}

  /**
   * Links a driver to a car. `since` = the history row key of the event that made the driver a
   * lessee: row keys sort in ledger order, which lets a later closure tell old links from new ones.
   * Returns the link's ETag: kept in the car's coverage, it lets the event that ends the lease remove
   * an unchanged link with one conditional delete.
   */
  async link(driverKey: string, assetId: string, since: string): Promise<string | undefined> {
    const table = await this.store.table(this.store.names.driverVehicles);
    const response = await storageCall('add driver-vehicle link', () =>
      table.upsertEntity(
        { partitionKey: encodeTableKey(driverKey), rowKey: encodeTableKey(assetId), since },
        'Replace',
      ),
    );
    return response.etag;
  }

  /**
   * Removes the link if an event before `closedAt` (a history row key) created it. A link written
   * by a later event, before or during this call (the ETag check), stays. `knownEtag`: the link's
   * ETag when the event that created it wrote it; if the link is unchanged since, it is that event's
   * and one conditional delete removes it. Otherwise (rewritten, or no ETag known) read and compare.
   */
  async unlinkIfBefore(driverKey: string, assetId: string, closedAt: string, knownEtag?: string): Promise<boolean> {
    const table = await this.store.table(this.store.names.driverVehicles);
    if (knownEtag !== undefined) {
      const removed = await this.removeIfUnchanged(driverKey, assetId, knownEtag);
      if (removed !== 'changed') return removed === 'removed';
    }
    let link;
    try {
      link = await storageCall('read driver-vehicle link', () =>
        table.getEntity<{ since?: string }>(encodeTableKey(driverKey), encodeTableKey(assetId)),
      );
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    if (typeof link.since === 'string' && link.since >= closedAt) return false;
    return (await this.removeIfUnchanged(driverKey, assetId, link.etag)) === 'removed';
  }

  private async removeIfUnchanged(
    driverKey: string,
    assetId: string,
    etag: string,
  ): Promise<'removed' | 'absent' | 'changed'> {
    const table = await this.store.table(this.store.names.driverVehicles);
    try {
      await storageCall('remove driver-vehicle link', () =>
        table.deleteEntity(encodeTableKey(driverKey), encodeTableKey(assetId), { etag }),
      );
      return 'removed';
    } catch (error) {
      if (isNotFound(error)) return 'absent';
      if (isConflict(error)) return 'changed';
      throw error;
    }
  }

  async vehiclesOf(driverKey: string): Promise<string[]> {
    const table = await this.store.table(this.store.names.driverVehicles);
    return storageCall('list driver vehicles', async () => {
      const assetIds: string[] = [];
      const rows = table.listEntities({
        queryOptions: { filter: `PartitionKey eq ${odataString(encodeTableKey(driverKey))}`, select: ['RowKey'] },
      });
      for await (const row of rows) {
        if (assetIds.length >= MAX_VEHICLES_PER_DRIVER) break;
        if (row.rowKey !== undefined) assetIds.push(decodeTableKey(row.rowKey));
      }
      return assetIds;
    });
  }
}
