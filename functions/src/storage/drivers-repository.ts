// Drivers table (<prefix>DriverShards): PK = shardOf(driver public key), RK = "<encoded key>|profile".
// The profile (with its claim and violation history) is one JSON document plus a revision that counts
// its changes; every change is ETag-guarded so concurrent appends never lose an item. Drivers of one
// shard are read together, a few keys per query (readMany).
import { type TableEntityResult } from '@azure/data-tables';
import { DriverProfile, parseWith, type ValidationIssue } from '@lease-premium/events';
import { odataString } from '@lease-premium/events/azure-storage';
import { mapWithConcurrency } from '../map-with-concurrency';
import { packJson, unpackJson } from './packed-json';
import { ownedRowKey, shardOf } from './shard-key';
import { InvalidStoredRecordError, isNotFound, storageCall } from './storage-errors';
import { type TableStore } from './table-store';

const PROFILE_ROW = 'profile';

/**
 * Keys per query: Azure evaluates at most 15 comparisons in a $filter
 * (https://learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities), one of them the PartitionKey.
 */
const KEYS_PER_QUERY = 14;

/** Queries of one readMany in flight at once. */
const QUERIES_IN_FLIGHT = 8;

function profileRowKey(driverKey: string): string {
  return ownedRowKey(driverKey, PROFILE_ROW);
}

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
        table.getEntity<Record<string, unknown>>(shardOf(driverKey), profileRowKey(driverKey)),
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
    const drivers = validDrivers(driverKeys, await this.readMany(driverKeys));
    if (drivers instanceof InvalidStoredRecordError) throw drivers;
    return drivers;
  }

  /** The stored rows of several drivers, valid or not (missing ones are absent): one query per shard and 14 keys. */
  async readMany(driverKeys: readonly string[]): Promise<Map<string, DriverRecord>> {
    const byShard = new Map<string, string[]>();
    for (const key of new Set(driverKeys)) {
      const shard = shardOf(key);
      const keys = byShard.get(shard);
      if (keys) keys.push(key);
      else byShard.set(shard, [key]);
    }
    const queries: { shard: string; keys: string[] }[] = [];
    for (const [shard, keys] of byShard)
      for (let i = 0; i < keys.length; i += KEYS_PER_QUERY)
        queries.push({ shard, keys: keys.slice(i, i + KEYS_PER_QUERY) });
    const table = await this.store.table(this.store.names.drivers);
    const records = new Map<string, DriverRecord>();
    await mapWithConcurrency(queries, QUERIES_IN_FLIGHT, async ({ shard, keys }) => {
      const byRowKey = new Map(keys.map((key) => [profileRowKey(key), key]));
      const rowKeys = [...byRowKey.keys()].map((rowKey) => `RowKey eq ${odataString(rowKey)}`).join(' or ');
      const filter = `PartitionKey eq ${odataString(shard)} and (${rowKeys})`;
      await storageCall('read drivers', async () => {
        for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
          const key = byRowKey.get(entity.rowKey ?? '');
          if (key !== undefined) records.set(key, toDriverRecord(key, entity));
        }
      });
    });
    return records;
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
      partitionKey: shardOf(driverKey),
      rowKey: profileRowKey(driverKey),
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

/** The registered drivers among `driverKeys`, or the error naming the first whose stored profile is not valid. */
export function validDrivers(
  driverKeys: readonly string[],
  records: ReadonlyMap<string, DriverRecord>,
): Map<string, StoredDriver> | InvalidStoredRecordError {
  const drivers = new Map<string, StoredDriver>();
  for (const key of driverKeys) {
    const record = records.get(key);
    if (!record) continue;
    if (!record.valid) return new InvalidStoredRecordError(`profile of driver ${key}`, record.driver.issues);
    drivers.set(key, record.driver);
  }
  return drivers;
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
