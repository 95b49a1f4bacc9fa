// Storage read benchmark: how a car's state is read - one point read (PartitionKey + RowKey), as the
// event path does now, against a two-row query ("PartitionKey eq '<shard>' and (RowKey eq
// '<car>|current' or RowKey eq '<car>|evt~id')") - at a growing cars' table in the shard layout of
// <prefix>CarShards (functions/src/storage/shard-key.ts: 8 partitions, many cars each). Azurite
// answers a query by testing every row of the table, so the query's cost grows with the fleet and
// its history; a point read's does not. Prints the storage process's CPU per read (from /proc, Linux)
// and wall time per read.
//
//   STORAGE_CONNECTION_STRING=<azurite> node devstack/dist/bench/vehicle-read-bench.js --storage-pid PID [--reads 300] [--sizes 1000,10000]
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { odataString } from '@lease-premium/events/azure-storage';
import { ownedRowKey, shardOf } from '../../../functions/dist/storage/shard-key';
import { liveProcessCpuMs } from './e2e/process-sampler';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

async function timed(
  pid: number,
  count: number,
  read: (i: number) => Promise<unknown>,
): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu = liveProcessCpuMs(pid);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await read(i);
  const wallUs = Number(process.hrtime.bigint() - started) / 1e3 / count;
  return { cpuUs: ((liveProcessCpuMs(pid) - cpu) * 1000) / count, wallUs };
}

async function main(): Promise<void> {
  const connectionString = process.env.STORAGE_CONNECTION_STRING;
  if (!connectionString) throw new Error('STORAGE_CONNECTION_STRING is required (an Azurite connection string)');
  const pid = positive('storage-pid', option('storage-pid', ''));
  const reads = positive('reads', option('reads', '300'));
  const sizes = option('sizes', '1000,10000')
    .split(',')
    .map((s) => positive('sizes', s));
  const table = TableClient.fromConnectionString(connectionString, `readbench${randomBytes(4).toString('hex')}`, {
    allowInsecureConnection: true,
  });
  await table.createTable();
  const cars: string[] = [];
  try {
    for (const size of sizes) {
      // Each car: a current row, a history row and a marker row (what one event leaves).
      while (cars.length * 3 < size) {
        const car = randomBytes(32).toString('hex');
        cars.push(car);
        const partitionKey = shardOf(car);
        await table.submitTransaction([
          ['create', { partitionKey, rowKey: ownedRowKey(car, 'current'), doc: 'x'.repeat(500) }],
          ['create', { partitionKey, rowKey: ownedRowKey(car, `h~000000000001~000000~${car}`), doc: 'x'.repeat(500) }],
          ['create', { partitionKey, rowKey: ownedRowKey(car, `evt~${car}`), doc: 'x'.repeat(200) }],
        ]);
      }
      const carOf = (i: number) => cars[(i * 7919) % cars.length] as string;
      const point = await timed(pid, reads, (i) =>
        table.getEntity(shardOf(carOf(i)), ownedRowKey(carOf(i), 'current')),
      );
      const query = await timed(pid, reads, async (i) => {
        const car = carOf(i);
        const current = odataString(ownedRowKey(car, 'current'));
        const marker = odataString(ownedRowKey(car, `evt~${car}`));
        const filter = `PartitionKey eq '${shardOf(car)}' and (RowKey eq ${current} or RowKey eq ${marker})`;
        const rows = [];
        for await (const row of table.listEntities({ queryOptions: { filter } })) rows.push(row);
        return rows;
      });
      console.log(
        `${cars.length * 3} rows: point read ${point.cpuUs.toFixed(0)} us storage CPU, ${point.wallUs.toFixed(0)} us wall; ` +
          `two-row query ${query.cpuUs.toFixed(0)} us storage CPU, ${query.wallUs.toFixed(0)} us wall (${reads} reads each)`,
      );
    }
  } finally {
    await table.deleteTable();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
