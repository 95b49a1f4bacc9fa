// One TableClient per table, built from the storage settings (connection string locally, managed
// identity in Azure), and each table created once per process on first use.
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import {
  isConflict,
  isPlainHttp,
  storageCredential,
  storageServiceUrl,
  type StorageSettings,
} from '@lease-premium/events/azure-storage';
import { StorageUnavailableError, TABLE_NOT_FOUND, isTableMissing, storageCall } from './storage-errors';
import { tableNames, type TableNames } from './table-names';
import { RETRY_TUNING } from '../tuning';

export class TableStore {
  readonly names: TableNames;
  private readonly clients = new Map<string, TableClient>();
  private readonly created = new Map<string, Promise<void>>();

  constructor(
    private readonly settings: StorageSettings,
    prefix: string,
  ) {
    this.names = tableNames(prefix);
  }

  /** The client for a table, creating the table on first use (again after a failure or once storage lost it). */
  async table(name: string): Promise<TableClient> {
    const client = this.client(name);
    let creation = this.created.get(name);
    if (!creation) {
      const operation = `create table ${name}`;
      creation = storageCall(operation, () => client.createTable()).then(
        () => undefined,
        (error: unknown) => {
          // 409 other than TableAlreadyExists (which the SDK absorbs) is "TableBeingDeleted": transient.
          throw isConflict(error) ? new StorageUnavailableError(operation, error) : error;
        },
      );
      this.created.set(name, creation);
      creation.catch(() => this.created.delete(name));
    }
    await creation;
    return client;
  }

  /** The client for a table that may not exist, which is left so (a read answers 404 TableNotFound). */
  existingTable(name: string): TableClient {
    return this.client(name);
  }

  /** Reads (at most) one row of every table: proves the account answers and the tables exist. */
  async ping(): Promise<void> {
    await Promise.all(
      [this.names.drivers, this.names.vehicles, this.names.driverVehicles, this.names.reviewQueue].map(async (name) => {
        const table = await this.table(name);
        await storageCall(`ping ${name}`, () =>
          table
            .listEntities({ queryOptions: { select: ['PartitionKey'] } })
            .byPage({ maxPageSize: 1 })
            .next(),
        );
      }),
    );
  }

  private client(name: string): TableClient {
    let client = this.clients.get(name);
    if (!client) {
      const options: TableServiceClientOptions = {
        additionalPolicies: [
          {
            position: 'perCall',
            policy: {
              name: 'recreateLostTables',
              sendRequest: async (request, next) => {
                // A table vanished: storage lost its state (an in-memory Azurite restarted empty), so
                // every table is created again on next use. Single requests throw; a transaction
                // answers 202 with the sub-response inside.
                try {
                  const response = await next(request);
                  if (response.bodyAsText?.includes(`"${TABLE_NOT_FOUND}"`)) this.created.clear();
                  return response;
                } catch (error) {
                  if (isTableMissing(error)) this.created.clear();
                  throw error;
                }
              },
            },
          },
        ],
        retryOptions: RETRY_TUNING.storageRequest,
      };
      const settings = this.settings;
      if (settings.kind === 'connection-string') {
        const cs = settings.connectionString;
        client = TableClient.fromConnectionString(cs, name, { ...options, allowInsecureConnection: isPlainHttp(cs) });
      } else {
        client = new TableClient(
          storageServiceUrl(settings.accountName, 'table'),
          name,
          storageCredential(settings),
          options,
        );
      }
      this.clients.set(name, client);
    }
    return client;
  }
}
