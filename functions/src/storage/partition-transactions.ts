// Writes of many independent items (one car's event, one driver link) that share a partition, packed
// into entity-group transactions of at most 100 actions and 4 MiB
// (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions). A
// transaction is all or nothing: when one item's action fails, the service names it ("<index>:<message>"
// in the error), that item gets the failure as its own outcome, and the others are sent again without it.
import type { TableClient, TableTransactionResponse, TransactionAction } from '@azure/data-tables';
import { StorageUnavailableError, storageCall } from './storage-errors';

const MAX_ACTIONS = 100;
/** Entity bytes per transaction: the 4 MiB limit less room for the multipart framing and headers. */
const MAX_BYTES = 3 * 1024 * 1024;

/** The actions of one item: committed together or not at all, and never split across transactions. */
export interface TransactionUnit {
  partitionKey: string;
  actions: TransactionAction[];
}

/** The ETags of the unit's actions (in order), or the storage error that refused it (a 4xx). */
export type UnitOutcome = { ok: true; etags: (string | undefined)[] } | { ok: false; error: unknown };

/**
 * Commits every unit; outcomes in the order of `units`. A failure that is not one unit's own (storage
 * out of reach, 5xx) throws StorageUnavailableError: units committed before it stay committed.
 */
export async function submitUnits(
  table: TableClient,
  units: readonly TransactionUnit[],
  operation: string,
): Promise<UnitOutcome[]> {
  const outcomes = new Array<UnitOutcome>(units.length);
  const byPartition = new Map<string, number[]>();
  units.forEach((unit, index) => {
    if (unit.actions.length > MAX_ACTIONS)
      throw new RangeError(`${operation}: one item has ${unit.actions.length} rows`);
    const queue = byPartition.get(unit.partitionKey);
    if (queue) queue.push(index);
    else byPartition.set(unit.partitionKey, [index]);
  });
  await Promise.all(
    [...byPartition.values()].map(async (queue) => {
      let alone = false; // after a failure the service did not attribute: one unit per transaction
      while (queue.length > 0) {
        const chunk = takeChunk(units, queue, alone);
        const actions = chunk.flatMap((index) => (units[index] as TransactionUnit).actions);
        let response: TableTransactionResponse;
        try {
          response = await storageCall(operation, () => table.submitTransaction(actions));
        } catch (error) {
          if (error instanceof StorageUnavailableError) throw error;
          const failed = failedUnit(chunk, units, error);
          if (failed === undefined) {
            alone = true;
            queue.unshift(...chunk);
            continue;
          }
          outcomes[failed] = { ok: false, error };
          queue.unshift(...chunk.filter((index) => index !== failed));
          continue;
        }
        let at = 0;
        for (const index of chunk) {
          const count = (units[index] as TransactionUnit).actions.length;
          outcomes[index] = { ok: true, etags: response.subResponses.slice(at, at + count).map((r) => r.etag) };
          at += count;
        }
      }
    }),
  );
  return outcomes;
}

/** Takes the next units of the queue that fit in one transaction (always at least one). */
function takeChunk(units: readonly TransactionUnit[], queue: number[], alone: boolean): number[] {
  const chunk: number[] = [];
  let actions = 0;
  let bytes = 0;
  while (queue.length > 0) {
    const unit = units[queue[0] as number] as TransactionUnit;
    const unitBytes = unit.actions.reduce((sum, action) => sum + entityBytes(action[1]), 0);
    if (chunk.length > 0 && (alone || actions + unit.actions.length > MAX_ACTIONS || bytes + unitBytes > MAX_BYTES))
      break;
    chunk.push(queue.shift() as number);
    actions += unit.actions.length;
    bytes += unitBytes;
  }
  return chunk;
}

/** The unit whose action the service named in a failed transaction (undefined when it named none). */
function failedUnit(chunk: readonly number[], units: readonly TransactionUnit[], error: unknown): number | undefined {
  if (chunk.length === 1) return chunk[0];
  const match = /^(\d+):/.exec(error instanceof Error ? error.message : '');
  if (!match) return undefined;
  let action = Number(match[1]);
  for (const index of chunk) {
    const count = (units[index] as TransactionUnit).actions.length;
    if (action < count) return index;
    action -= count;
  }
  return undefined;
}

/** An entity's size on the wire, near enough: its string values (stored JSON is ASCII) plus room per property. */
function entityBytes(entity: Record<string, unknown>): number {
  let bytes = 0;
  for (const value of Object.values(entity)) bytes += 64 + (typeof value === 'string' ? value.length : 16);
  return bytes;
}
