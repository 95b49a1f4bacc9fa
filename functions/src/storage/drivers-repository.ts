// Drivers table: PK = driver public key, RK = "profile". The profile (with its claim and violation
// history) is one JSON document plus a revision that counts its changes; every change is ETag-guarded
// so concurrent appends never lose an item.
import { type TableEntityResult } from '@azure/data-tables';
import { DriverProfile, parseWith, type ValidationIssue } from '@lease-premium/events';
import { encodeTableKey } from '@lease-premium/events/azure-storage';
import { packJson, unpackJson } from './packed-json';
import { InvalidStoredRecordError, isNotFound, storageCall } from './storage-errors';
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

/** A stored driver row that fails today's validation: served as stored, flagged, and replaceable by PUT. */
export interface InvalidStoredDriver extends Omit<StoredDriver, 'profile'> {
  storedProfile: unknown;
  issues: ValidationIssue[];
}

export type DriverRecord = { valid: true; driver: StoredDriver } | { valid: false; driver: InvalidStoredDriver };

export class DriversRepository {
  constructor(private readonly store: TableStore) {}

  /** The stored row as it is, valid or not (undefined = no such driver). */
  async read(driverKey: string): Promise<DriverRecord | undefined> {
    const table = await this.store.table(this.store.names.drivers);
    try {
      const entity = await storageCall('read driver', () =>
        table.getEntity<Record<string, unknown>>(encodeTableKey(driverKey), PROFILE_ROW),
      );
      return toDriverRecord(driverKey, entity);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** A driver for rating: throws InvalidStoredRecordError when the stored row is not valid. */
  async get(driverKey: string): Promise<StoredDriver | undefined> {
    const record = await this.read(driverKey);
    if (record && !record.valid)
      throw new InvalidStoredRecordError(`profile of driver ${driverKey}`, record.driver.issues);
    return record?.driver;
  }

  /** Reads several drivers at once (missing ones are absent from the map); throws as get() does. */
  async getMany(driverKeys: readonly string[]): Promise<Map<string, StoredDriver>> {
    const found = await Promise.all([...new Set(driverKeys)].map((key) => this.get(key)));
    return new Map(found.filter((d): d is StoredDriver => d !== undefined).map((d) => [d.driverKey, d]));
  }

  /** Creates (expected undefined) or replaces (expected = the etag read) the profile. Throws 409/412 on a lost race. */
  async save(
    driverKey: string,
    profile: DriverProfile,
    revision: number,
    expected: { etag: string } | undefined,
    now: Date,
  ): Promise<StoredDriver> {
    const table = await this.store.table(this.store.names.drivers);
    const entity = {
      partitionKey: encodeTableKey(driverKey),
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

function toDriverRecord(driverKey: string, entity: TableEntityResult<Record<string, unknown>>): DriverRecord {
  const meta = {
    driverKey,
    revision: typeof entity.revision === 'number' ? entity.revision : 0,
    updatedAt: typeof entity.updatedAt === 'string' ? entity.updatedAt : '',
    etag: entity.etag,
  };
  // Stored data was validated on the way in; parse again so a row written under older rules (or
  // edited by hand) cannot break rating silently: it is flagged instead.
  let stored: unknown;
  try {
    stored = unpackJson(entity, 'profile');
  } catch {
    // (the parser's message would quote stored text, which may hold personal data)
    return {
      valid: false,
      driver: { ...meta, storedProfile: null, issues: [{ path: '', message: 'is not readable JSON' }] },
    };
  }
  const parsed = parseWith(DriverProfile, stored);
  return parsed.ok
    ? { valid: true, driver: { ...meta, profile: parsed.value } }
    : { valid: false, driver: { ...meta, storedProfile: stored ?? null, issues: parsed.issues } };
}
