// Drivers table: PK = driver public key, RK = "profile". The profile (with its claim and violation
// history) is one JSON document plus a revision that counts its changes; every change is ETag-guarded
// so concurrent appends never lose an item.
import { type TableEntityResult } from '@azure/data-tables';
import { DriverProfile } from '@lease-premium/events';
import { packJson, unpackJson } from './packed-json';
import { isNotFound, storageCall } from './storage-errors';
import { encodeKey } from './table-keys';
import { type TableStore } from './table-store';

const PROFILE_ROW = 'profile';

export interface StoredDriver {
  driverKey: string;
  profile: DriverProfile;
  /** Counts changes of the profile: 1 after the first PUT. */
  revision: number;
  updatedAt: string;
  etag: string;
}

export class DriversRepository {
  constructor(private readonly store: TableStore) {}

  async get(driverKey: string): Promise<StoredDriver | undefined> {
    const table = await this.store.table(this.store.names.drivers);
    try {
      const entity = await storageCall('read driver', () => table.getEntity<Record<string, unknown>>(encodeKey(driverKey), PROFILE_ROW));
      return toStoredDriver(driverKey, entity);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Reads several drivers at once (missing ones are absent from the map). */
  async getMany(driverKeys: readonly string[]): Promise<Map<string, StoredDriver>> {
    const found = await Promise.all([...new Set(driverKeys)].map((key) => this.get(key)));
    return new Map(found.filter((d): d is StoredDriver => d !== undefined).map((d) => [d.driverKey, d]));
  }

  /** Creates (expected undefined) or replaces (expected = the etag read) the profile. Throws 409/412 on a lost race. */
  async save(driverKey: string, profile: DriverProfile, revision: number, expected: StoredDriver | undefined, now: Date): Promise<StoredDriver> {
    const table = await this.store.table(this.store.names.drivers);
    const entity = {
      partitionKey: encodeKey(driverKey),
      rowKey: PROFILE_ROW,
      revision,
      updatedAt: now.toISOString(),
      ...packJson('profile', profile),
    };
    const response = expected
      ? await storageCall('update driver', () => table.updateEntity(entity, 'Replace', { etag: expected.etag }))
      : await storageCall('create driver', () => table.createEntity(entity));
    return { driverKey, profile, revision, updatedAt: entity.updatedAt, etag: response.etag ?? '' };
  }
}

function toStoredDriver(driverKey: string, entity: TableEntityResult<Record<string, unknown>>): StoredDriver {
  // Stored data was validated on the way in; parse again so a hand-edited row cannot break rating
  // silently. The error names paths only: values (a date of birth) must not reach the logs.
  const parsed = DriverProfile.safeParse(unpackJson(entity, 'profile'));
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`stored profile of driver ${driverKey} is not valid (${paths})`);
  }
  return {
    driverKey,
    profile: parsed.data,
    revision: typeof entity.revision === 'number' ? entity.revision : 0,
    updatedAt: typeof entity.updatedAt === 'string' ? entity.updatedAt : '',
    etag: entity.etag,
  };
}
