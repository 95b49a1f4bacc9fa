// npm run migrate:layout: copies the Function App's tables of the earlier layout (one partition per
// car and per driver) into the tables by shard, with the Function App's storage settings. Progress
// on stderr, the counts per table as one JSON line on stdout; exit 0 = every row copied, 1 = some
// rows refused (listed), 2 = bad settings or arguments. See functions/README.md.
import { readStorageSettings } from '@lease-premium/events/azure-storage';
import { ConfigError, type Env } from '@lease-premium/events/settings';
import { storageNamePrefix } from '../config';
import { legacyTableNames } from '../storage/table-names';
import { TableStore } from '../storage/table-store';
import { migrateLayout } from './migrate-layout';

export const USAGE =
  'usage: npm run migrate:layout (no arguments; settings: STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_NAME [AZURE_CLIENT_ID], STORAGE_NAME_PREFIX)';

export interface CliOutput {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export async function runLayoutMigration(argv: readonly string[], env: Env, output: CliOutput): Promise<number> {
  if (argv.length > 0) {
    output.stderr(`unexpected arguments: ${argv.join(' ')}`);
    output.stderr(USAGE);
    return 2;
  }
  let store: TableStore;
  let prefix: string;
  try {
    prefix = storageNamePrefix(env);
    store = new TableStore(readStorageSettings(env), prefix);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.stderr(error.message);
    output.stderr(USAGE);
    return 2;
  }
  const tables = await migrateLayout(store, legacyTableNames(prefix), {
    onPage: (t) => output.stderr(`${t.from} -> ${t.to}: ${t.read} rows read, ${t.written} written, ${t.failed} failed`),
  });
  for (const t of tables) {
    if (t.missing) output.stderr(`${t.from}: no such table, nothing to copy`);
    for (const failure of t.failures)
      output.stderr(`${t.from} row (${failure.partitionKey}, ${failure.rowKey}) not copied: ${failure.error}`);
  }
  const counts = tables.map(({ from, to, missing, read, written, failed }) => ({
    from,
    to,
    missing,
    read,
    written,
    failed,
  }));
  output.stdout(JSON.stringify({ migrated: counts }));
  return tables.some((t) => t.failed > 0) ? 1 : 0;
}

if (require.main === module) {
  runLayoutMigration(process.argv.slice(2), process.env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `layout migration stopped: ${error instanceof Error ? error.message : String(error)} (rows copied so far stay; run it again)\n`,
      );
      process.exit(1);
    },
  );
}
