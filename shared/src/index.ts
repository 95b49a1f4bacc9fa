export * from './vin';
export * from './ledger-data';
export * from './ownership-event';
export * as bigchaindb from './bigchaindb';
