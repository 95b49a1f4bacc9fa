// CheckpointFlusher against the real Table checkpoint store on Azurite: it stores the tracker's
// completed height only when it moved, one write at a time and in order, reports a conflict with
// another writer, and writes nothing once its term may no longer write.
import { testStorageConnectionString, uniqueName } from '../../tests/support/storage';
import { CheckpointFlusher } from '../src/checkpoint/checkpoint-flusher';
import { CheckpointConflictError } from '../src/checkpoint/checkpoint-store';
import { HeightTracker } from '../src/checkpoint/height-tracker';
import { TableCheckpointStore } from '../src/checkpoint/table-checkpoint-store';
import { silentLogger } from '../src/ops/logger';
import { WebJobMetrics } from '../src/ops/metrics';
import { createStorageClients, ensureStorage, type StorageClients } from '../src/storage/storage-clients';

let clients: StorageClients;

beforeAll(async () => {
  clients = createStorageClients({
    kind: 'connection-string',
    connectionString: testStorageConnectionString(),
    namePrefix: uniqueName('wjflush').toLowerCase(),
  });
  await ensureStorage(clients);
});

function flusherFor(consumer: string, tracker: HeightTracker, options: { signal?: AbortSignal; saved?: number } = {}) {
  const store = new TableCheckpointStore(clients.checkpoints, 'src', consumer);
  const metrics = new WebJobMetrics();
  const conflicts: CheckpointConflictError[] = [];
  const flusher = new CheckpointFlusher({
    store,
    tracker,
    saved: options.saved,
    signal: options.signal ?? new AbortController().signal,
    onConflict: (error) => conflicts.push(error),
    logger: silentLogger,
    metrics,
  });
  const stored = (): Promise<number | undefined> =>
    new TableCheckpointStore(clients.checkpoints, 'src', consumer).load();
  return { flusher, metrics, conflicts, stored };
}

test('stores the completed height when it moved, and only then', async () => {
  const tracker = new HeightTracker(10);
  const { flusher, metrics, stored } = flusherFor('moves', tracker);
  await flusher.flush();
  expect(await stored()).toBe(9);
  tracker.openHeight(10, 1);
  tracker.openHeight(11, 0);
  await flusher.flush(); // height 10 is still pending
  expect(metrics.checkpointWrites.total()).toBe(1);
  tracker.settle(10);
  await flusher.flush();
  await flusher.flush();
  expect(await stored()).toBe(11);
  expect(flusher.saved).toBe(11);
  expect(metrics.checkpointWrites.total()).toBe(2);
});

test('overlapping flushes write one at a time, so the stored height never goes back', async () => {
  const tracker = new HeightTracker(0);
  const { flusher, conflicts, stored } = flusherFor('overlapping', tracker);
  const flushes: Promise<void>[] = [];
  for (let height = 0; height < 20; height++) {
    tracker.openHeight(height, 0);
    flushes.push(flusher.flush());
  }
  await Promise.all(flushes);
  expect(conflicts).toEqual([]); // two writes at once with the same ETag would conflict with each other
  expect(await stored()).toBe(19);
});

test('another writer moving the checkpoint is reported as a conflict, and its height is kept', async () => {
  const tracker = new HeightTracker(0);
  const { flusher, conflicts, stored } = flusherFor('contested', tracker);
  tracker.openHeight(0, 0);
  await flusher.flush();
  const other = new TableCheckpointStore(clients.checkpoints, 'src', 'contested');
  await other.load();
  await other.save(5);
  tracker.openHeight(1, 0);
  await flusher.flush();
  expect(conflicts).toHaveLength(1);
  expect(conflicts[0]).toBeInstanceOf(CheckpointConflictError);
  expect(await stored()).toBe(5);
  expect(flusher.saved).toBe(0);
});

test('nothing is written once the term may no longer write', async () => {
  const tracker = new HeightTracker(3);
  const abandoned = new AbortController();
  const { flusher, metrics, stored } = flusherFor('abandoned', tracker, { signal: abandoned.signal, saved: undefined });
  await flusher.flush();
  expect(await stored()).toBe(2);
  tracker.openHeight(3, 0);
  abandoned.abort();
  await flusher.flush();
  expect(await stored()).toBe(2);
  expect(metrics.checkpointWrites.total()).toBe(1);
});
