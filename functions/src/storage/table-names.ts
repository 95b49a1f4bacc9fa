// Every Function App table name derives from STORAGE_NAME_PREFIX (one prefix per deployment or test suite).
// Cars, drivers and driver links are stored by shard (./shard-key.ts) in tables of their own; the
// tables of the earlier layout (one partition per car or driver) are read only by the migration.
export interface TableNames {
  drivers: string;
  vehicles: string;
  driverVehicles: string;
  reviewQueue: string;
}

export function tableNames(prefix: string): TableNames {
  return {
    drivers: `${prefix}DriverShards`,
    vehicles: `${prefix}CarShards`,
    driverVehicles: `${prefix}LinkShards`,
    reviewQueue: `${prefix}ReviewQueue`,
  };
}

/** The tables of the layout with one partition per car and per driver (the migration's source). */
export function legacyTableNames(prefix: string): Omit<TableNames, 'reviewQueue'> {
  return {
    drivers: `${prefix}Drivers`,
    vehicles: `${prefix}Vehicles`,
    driverVehicles: `${prefix}DriverVehicles`,
  };
}
