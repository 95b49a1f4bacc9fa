// When each ledger event became durable: the Function App writes one history record per event
// (row "h~<height>~<index>~<txid>" of the car in its shard of <prefix>CarShards, RowKey
// "<encoded asset id>|h~...") in the same Table transaction as the current coverage and the
// processed-event marker, so the record's Timestamp (set by the storage service at commit of that
// transaction) is the moment the premium is stored and readable. Read once after the run, so
// measuring adds no load while the phases run: one scan of the table with two columns, since no
// RowKey range spans the history rows of every car (each car's rows start with its own key).
import { TableClient } from '@azure/data-tables';
import { rowNameOf } from '../../../../functions/dist/storage/shard-key';
import { tableNames } from '../../../../functions/dist/storage/table-names';

export interface StoredEvent {
  height: number;
  /** Storage commit time of the record, ms since the epoch (sub-ms precision kept). */
  storedAtMs: number;
}

const HISTORY_ROW = /^h~(\d{12})~(\d{6})~([0-9a-f]{64})$/;

/** "2026-11-27T11:40:20.0192561Z" -> ms since the epoch, keeping the digits below a millisecond. */
export function parseStorageTimestamp(value: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(value);
  if (!match) throw new Error(`not a storage timestamp: "${value}"`);
  const fraction = match[2] ?? '';
  return Date.parse(`${match[1]}Z`) + (fraction ? Number(`0.${fraction}`) * 1000 : 0);
}

/** Every event history record of the cars' table, by transaction id. */
export async function readStoredEvents(
  connectionString: string,
  namePrefix: string,
): Promise<Map<string, StoredEvent>> {
  const table = TableClient.fromConnectionString(connectionString, tableNames(namePrefix).vehicles, {
    allowInsecureConnection: true,
  });
  const stored = new Map<string, StoredEvent>();
  const rows = table.listEntities<Record<string, unknown>>({ queryOptions: { select: ['RowKey', 'Timestamp'] } });
  for await (const row of rows) {
    const match = HISTORY_ROW.exec(rowNameOf(String(row.rowKey)) ?? '');
    const timestamp = row.timestamp;
    if (!match || typeof timestamp !== 'string') continue; // current rows, markers, re-rate records
    stored.set(match[3] as string, { height: Number(match[1]), storedAtMs: parseStorageTimestamp(timestamp) });
  }
  return stored;
}

/** Ledger block commit times from the node's log lines ({"time":..., "msg":"block committed", "height":h}). */
export class CommitClock {
  private readonly committedAt = new Map<number, number>();

  noteLogLine(line: string): void {
    if (!line.includes('"block committed"')) return;
    try {
      const entry = JSON.parse(line) as { time?: string; msg?: string; height?: number };
      if (entry.msg === 'block committed' && typeof entry.height === 'number' && entry.time)
        this.committedAt.set(entry.height, Date.parse(entry.time));
    } catch {
      // Not a JSON log line.
    }
  }

  at(height: number): number | undefined {
    return this.committedAt.get(height);
  }

  reset(): void {
    this.committedAt.clear();
  }
}

export interface PhaseTimeline {
  /** Events of the phase found in storage. */
  stored: number;
  /** Block commit of the earliest / latest event, and the last storage commit (ms since epoch). */
  firstCommitMs: number;
  lastCommitMs: number;
  lastStoredMs: number;
  /** Commit -> stored, per event, ms. */
  latenciesMs: number[];
}

/** Joins a phase's transaction ids with the storage records and the ledger's commit times. */
export function phaseTimeline(
  ids: readonly string[],
  stored: ReadonlyMap<string, StoredEvent>,
  clock: CommitClock,
): PhaseTimeline {
  let firstCommitMs = Infinity;
  let lastCommitMs = -Infinity;
  let lastStoredMs = -Infinity;
  const latenciesMs: number[] = [];
  let found = 0;
  for (const id of ids) {
    const record = stored.get(id);
    if (!record) continue;
    found += 1;
    lastStoredMs = Math.max(lastStoredMs, record.storedAtMs);
    const committed = clock.at(record.height);
    if (committed === undefined) continue;
    firstCommitMs = Math.min(firstCommitMs, committed);
    lastCommitMs = Math.max(lastCommitMs, committed);
    latenciesMs.push(record.storedAtMs - committed);
  }
  return { stored: found, firstCommitMs, lastCommitMs, lastStoredMs, latenciesMs };
}
