// DriverVehicles table: PK = driver public key, RK = asset id of a car the driver currently leases.
// An index for re-rating a driver's cars; the car's current coverage stays the source of truth,
// so a stale entry is harmless (re-rating checks the coverage and removes it).
import { isConflict, isNotFound, storageCall } from './storage-errors';
import { decodeKey, encodeKey, odataString } from './table-keys';
import { type TableStore } from './table-store';

/** Upper bound on cars one driver can lease at once (bounded loops; far above any real lessee). */
const MAX_VEHICLES_PER_DRIVER = 10_000;

export class DriverVehiclesRepository {
  constructor(private readonly store: TableStore) {}

  /** `since` = the history record that made the driver a lessee of the car. */
  async add(driverKey: string, assetId: string, since: string): Promise<void> {
    const table = await this.store.table(this.store.names.driverVehicles);
    await storageCall('add driver-vehicle link', () => table.upsertEntity({ partitionKey: encodeKey(driverKey), rowKey: encodeKey(assetId), since }, 'Replace'));
  }

  /** The link's ETag, to remove it only if nobody re-added it meanwhile. */
  async linkEtag(driverKey: string, assetId: string): Promise<string | undefined> {
    const table = await this.store.table(this.store.names.driverVehicles);
    try {
      const row = await storageCall('read driver-vehicle link', () => table.getEntity(encodeKey(driverKey), encodeKey(assetId)));
      return row.etag;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Removes the link if it still has `etag`; false when it changed (re-added) or is gone. */
  async removeIfUnchanged(driverKey: string, assetId: string, etag: string): Promise<boolean> {
    const table = await this.store.table(this.store.names.driverVehicles);
    try {
      await storageCall('remove driver-vehicle link', () => table.deleteEntity(encodeKey(driverKey), encodeKey(assetId), { etag }));
      return true;
    } catch (error) {
      if (isNotFound(error) || isConflict(error)) return false;
      throw error;
    }
  }

  async vehiclesOf(driverKey: string): Promise<string[]> {
    const table = await this.store.table(this.store.names.driverVehicles);
    return storageCall('list driver vehicles', async () => {
      const assetIds: string[] = [];
      const rows = table.listEntities({ queryOptions: { filter: `PartitionKey eq ${odataString(encodeKey(driverKey))}`, select: ['RowKey'] } });
      for await (const row of rows) {
        if (assetIds.length >= MAX_VEHICLES_PER_DRIVER) break;
        if (row.rowKey !== undefined) assetIds.push(decodeKey(row.rowKey));
      }
      return assetIds;
    });
  }
}
