// The storage ceiling: the same number of premium records written straight to the storage account
// the fastest way the Tables SDK allows: entity-group transactions of 100 entities (the service
// maximum), each in its own partition, many in flight at once. The entities are copies of a real
// premium history record of the run (same properties and size; RowKeys in the cars' table's form
// "<owner>|h~..."), so the payload matches.
import { TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { ownedRowKey, rowNameOf } from '../../../../functions/dist/storage/shard-key';
import { tableNames } from '../../../../functions/dist/storage/table-names';

export interface CeilingResult {
  entities: number;
  entityBytes: number;
  seconds: number;
  entitiesPerSecond: number;
}

const BATCH = 100;

/** A stored premium history record of the run, without its keys and system properties. */
export async function premiumTemplate(connectionString: string, namePrefix: string): Promise<Record<string, unknown>> {
  const tableName = tableNames(namePrefix).vehicles;
  const table = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
  // The first history row the scan meets (no RowKey range spans every car's history rows).
  for await (const row of table.listEntities<Record<string, unknown>>()) {
    if (!rowNameOf(String(row.rowKey))?.startsWith('h~')) continue;
    const { partitionKey: _pk, rowKey: _rk, timestamp: _ts, etag: _etag, ...properties } = row;
    for (const key of Object.keys(properties)) if (key.startsWith('odata.')) delete properties[key];
    return properties;
  }
  throw new Error(`no premium history record in ${tableName} to copy`);
}

export async function measureStorageCeiling(
  connectionString: string,
  tableName: string,
  template: Record<string, unknown>,
  entities: number,
  concurrency: number,
): Promise<CeilingResult> {
  const table = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
  await table.createTable();
  const batches: TransactionAction[][] = [];
  for (let start = 0; start < entities; start += BATCH) {
    const partitionKey = `ceiling-${String(start / BATCH).padStart(8, '0')}`;
    const actions: TransactionAction[] = [];
    for (let i = start; i < Math.min(entities, start + BATCH); i++) {
      const rowKey = ownedRowKey(`car-${String(i).padStart(12, '0')}`, `h~${String(i).padStart(12, '0')}`);
      const entity: TableEntity = { partitionKey, rowKey, ...template };
      actions.push(['create', entity]);
    }
    batches.push(actions);
  }
  let next = 0;
  const started = performance.now();
  const writer = async (): Promise<void> => {
    while (next < batches.length) await table.submitTransaction(batches[next++] as TransactionAction[]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, writer));
  const seconds = (performance.now() - started) / 1000;
  await table.deleteTable().catch(() => undefined); // frees Azurite's memory for the next run
  return {
    entities,
    entityBytes: Buffer.byteLength(JSON.stringify(template)),
    seconds,
    entitiesPerSecond: entities / seconds,
  };
}
