// Builds the Azure Storage clients from the storage settings (the shared plumbing of
// @lease-premium/events/azure-storage: a connection string, or the account with managed identity).
// Every name derives from STORAGE_NAME_PREFIX (webJobStorageNames) so deployments and tests can
// share an account.
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { ContainerClient } from '@azure/storage-blob';
import {
  isPlainHttp,
  storageCredential,
  storageServiceUrl,
  webJobStorageNames,
  type WebJobStorageNames,
} from '@lease-premium/events/azure-storage';
import type { WebJobStorageSettings } from '../config';

export interface StorageClients {
  names: WebJobStorageNames;
  checkpoints: TableClient;
  deadLetters: QueueClient;
  leases: ContainerClient;
}

export function createStorageClients(settings: WebJobStorageSettings): StorageClients {
  const names = webJobStorageNames(settings.namePrefix);
  if (settings.kind === 'connection-string') {
    const cs = settings.connectionString;
    return {
      names,
      checkpoints: TableClient.fromConnectionString(cs, names.checkpointsTable, {
        allowInsecureConnection: isPlainHttp(cs),
      }),
      deadLetters: new QueueClient(cs, names.deadLetterQueue),
      leases: new ContainerClient(cs, names.leasesContainer),
    };
  }
  const credential = storageCredential(settings);
  const account = settings.accountName;
  return {
    names,
    checkpoints: new TableClient(storageServiceUrl(account, 'table'), names.checkpointsTable, credential),
    deadLetters: new QueueClient(`${storageServiceUrl(account, 'queue')}/${names.deadLetterQueue}`, credential),
    leases: new ContainerClient(`${storageServiceUrl(account, 'blob')}/${names.leasesContainer}`, credential),
  };
}

/** Creates the table, queue and container if missing (idempotent). */
export async function ensureStorage(clients: StorageClients): Promise<void> {
  await Promise.all([
    clients.checkpoints.createTable(),
    clients.deadLetters.createIfNotExists(),
    clients.leases.createIfNotExists(),
  ]);
}
