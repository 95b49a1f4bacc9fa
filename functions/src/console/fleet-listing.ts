// The console's list of cars: the "current" row of every car in the Vehicles table (isCurrent column). Table storage
// has no secondary index, so this is a filtered scan, paged like the API's other listings; the
// "recently stored premiums" feed narrows it with the service's own write time (Timestamp).
import type { TableClient } from '@azure/data-tables';
import { type Page, decodeContinuationToken, encodeContinuationToken } from '../storage/continuation-token';
import { unpackJson } from '../storage/packed-json';
import { storageCall } from '../storage/storage-errors';
import type { TableStore } from '../storage/table-store';
import { currentNeedsReview, type CurrentCoverage } from '../coverage/coverage';
import { CURRENT_ROW_FILTER } from '../storage/vehicles-repository';
import type { FleetCar } from './console-contract';

/** Most rows one feed request reads (the feed is a scan narrowed by time). */
export const FEED_SCAN_LIMIT = 2_000;

export function fleetCarOf(current: CurrentCoverage): FleetCar {
  const vehicle = current.basis?.vehicle;
  return {
    assetId: current.assetId,
    status: current.status,
    ...(vehicle
      ? { vehicle: { vin: vehicle.vin, make: vehicle.make, model: vehicle.model, modelYear: vehicle.modelYear } }
      : {}),
    driverKeys: current.driverKeys,
    ...(current.premium
      ? {
          annualPremiumMinor: current.premium.annualPremiumMinor,
          leaseTotalMinor: current.premium.leaseTotalMinor,
          currency: current.premium.currency,
        }
      : {}),
    needsReview: currentNeedsReview(current),
    transactionId: current.ledger.transactionId,
    updatedAt: current.updatedAt,
  };
}

function currentOf(row: Record<string, unknown>): CurrentCoverage | undefined {
  const doc = unpackJson(row, 'doc');
  return typeof doc === 'object' && doc !== null ? (doc as CurrentCoverage) : undefined;
}

export class FleetListing {
  constructor(private readonly store: TableStore) {}

  private table(): Promise<TableClient> {
    return this.store.table(this.store.names.vehicles);
  }

  async list(pageSize: number, continuationToken: string | undefined): Promise<Page<FleetCar>> {
    const table = await this.table();
    const sdkToken = decodeContinuationToken(continuationToken);
    const page = await storageCall('list cars', async () => {
      const pages = table
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: CURRENT_ROW_FILTER } })
        .byPage({ maxPageSize: pageSize, continuationToken: sdkToken });
      const result = await pages.next();
      return result.done ? undefined : result.value;
    });
    if (!page) return { items: [] };
    const token = encodeContinuationToken(page.continuationToken);
    const items = page.flatMap((row) => {
      const current = currentOf(row);
      return current ? [fleetCarOf(current)] : [];
    });
    return { items, ...(token ? { continuationToken: token } : {}) };
  }

  /** Cars whose current row was written since `since`, newest first, at most `limit`. */
  async changedSince(since: Date, limit: number): Promise<FleetCar[]> {
    const table = await this.table();
    const filter = `${CURRENT_ROW_FILTER} and Timestamp ge datetime'${since.toISOString()}'`;
    const cars = await storageCall('list recent premiums', async () => {
      const found: FleetCar[] = [];
      let scanned = 0;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        const current = currentOf(row);
        if (current?.premium) found.push(fleetCarOf(current));
        if (++scanned >= FEED_SCAN_LIMIT) break;
      }
      return found;
    });
    return cars.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, limit);
  }
}
