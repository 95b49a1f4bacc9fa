// Every Function App table name derives from STORAGE_NAME_PREFIX (one prefix per deployment or test suite).
export interface TableNames {
  drivers: string;
  vehicles: string;
  driverVehicles: string;
  reviewQueue: string;
}

export function tableNames(prefix: string): TableNames {
  return {
    drivers: `${prefix}Drivers`,
    vehicles: `${prefix}Vehicles`,
    driverVehicles: `${prefix}DriverVehicles`,
    reviewQueue: `${prefix}ReviewQueue`,
  };
}
