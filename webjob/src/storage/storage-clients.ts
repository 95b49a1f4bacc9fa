// Builds the Azure Storage clients from the storage settings: a connection string (Azurite,
// "UseDevelopmentStorage=true", or an account key) or an account name with managed identity.
// Every name derives from STORAGE_NAME_PREFIX so deployments and tests can share an account.
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { ContainerClient } from '@azure/storage-blob';
import type * as AzureIdentity from '@azure/identity';
import type { StorageSettings } from '../config';

export interface StorageNames {
  checkpointsTable: string;
  deadLetterQueue: string;
  leasesContainer: string;
}

export function storageNames(prefix: string): StorageNames {
  return {
    checkpointsTable: `${prefix}Checkpoints`,
    deadLetterQueue: `${prefix}-deadletters`,
    leasesContainer: `${prefix}-leases`,
  };
}

export interface StorageClients {
  names: StorageNames;
  checkpoints: TableClient;
  deadLetters: QueueClient;
  leases: ContainerClient;
}

export function createStorageClients(settings: StorageSettings): StorageClients {
  const names = storageNames(settings.namePrefix);
  if (settings.kind === 'connection-string') {
    const cs = settings.connectionString;
    return {
      names,
      checkpoints: TableClient.fromConnectionString(cs, names.checkpointsTable, { allowInsecureConnection: cs.includes('http://') || cs.includes('UseDevelopmentStorage') }),
      deadLetters: new QueueClient(cs, names.deadLetterQueue),
      leases: new ContainerClient(cs, names.leasesContainer),
    };
  }
  // Loaded only in Azure (identity mode): it is a large module a connection-string setup never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require('@azure/identity') as typeof AzureIdentity;
  const credential = new DefaultAzureCredential(settings.clientId ? { managedIdentityClientId: settings.clientId } : {});
  const account = settings.accountName;
  return {
    names,
    checkpoints: new TableClient(`https://${account}.table.core.windows.net`, names.checkpointsTable, credential),
    deadLetters: new QueueClient(`https://${account}.queue.core.windows.net/${names.deadLetterQueue}`, credential),
    leases: new ContainerClient(`https://${account}.blob.core.windows.net/${names.leasesContainer}`, credential),
  };
}

/** Creates the table, queue and container if missing (idempotent). */
export async function ensureStorage(clients: StorageClients): Promise<void> {
  await Promise.all([clients.checkpoints.createTable(), clients.deadLetters.createIfNotExists(), clients.leases.createIfNotExists()]);
}

/** HTTP status of an Azure SDK RestError (its `code` is not reliable on Azurite). */
export function storageStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number') return error.statusCode;
  return undefined;
}
