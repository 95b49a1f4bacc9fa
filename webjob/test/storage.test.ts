// Checkpoint store, leadership lease and dead-letter queue against the real Azurite.
import { randomUUID } from 'node:crypto';
import { testStorageConnectionString, uniqueName } from '../../tests/support/storage';
import { CheckpointConflictError } from '../src/checkpoint/checkpoint-store';
import { TableCheckpointStore } from '../src/checkpoint/table-checkpoint-store';
import { QueueDeadLetterStore, type DeadLetter } from '../src/deadletter/dead-letter-store';
import { BlobLeadership } from '../src/leadership/blob-leadership';
import { silentLogger } from '../src/ops/logger';
import { createStorageClients, ensureStorage, type StorageClients } from '../src/storage/storage-clients';

let clients: StorageClients;

beforeAll(async () => {
  clients = createStorageClients({
    kind: 'connection-string',
    connectionString: testStorageConnectionString(),
    namePrefix: uniqueName('wjstore').toLowerCase(),
  });
  await ensureStorage(clients);
  await ensureStorage(clients); // idempotent
});

describe('TableCheckpointStore', () => {
  test('starts empty, stores and reloads the height; ledger source with "/" is a valid key', async () => {
    const store = new TableCheckpointStore(clients.checkpoints, 'bigchaindb://net/a?b#c', 'webjob');
    expect(await store.load()).toBeUndefined();
    await store.save(-1);
    await store.save(41);
    await store.save(42);
    expect(await new TableCheckpointStore(clients.checkpoints, 'bigchaindb://net/a?b#c', 'webjob').load()).toBe(42);
  });

  test('a second writer with a stale ETag is refused (CheckpointConflictError)', async () => {
    const a = new TableCheckpointStore(clients.checkpoints, 'src', 'shared-consumer');
    const b = new TableCheckpointStore(clients.checkpoints, 'src', 'shared-consumer');
    await a.save(1);
    expect(await b.load()).toBe(1);
    await b.save(2);
    await expect(a.save(3)).rejects.toBeInstanceOf(CheckpointConflictError);
    // a fresh "first save" also conflicts with an existing row rather than overwriting it
    await expect(
      new TableCheckpointStore(clients.checkpoints, 'src', 'shared-consumer').save(0),
    ).rejects.toBeInstanceOf(CheckpointConflictError);
    expect(await b.load()).toBe(2);
  });
});

describe('BlobLeadership', () => {
  test('one holder at a time; release hands over at once', async () => {
    const name = `lead-${randomUUID()}`;
    const first = new BlobLeadership(clients.leases, name, 15, silentLogger);
    const second = new BlobLeadership(clients.leases, name, 15, silentLogger);
    const term = await first.tryAcquire();
    expect(term).toBeDefined();
    expect(await second.tryAcquire()).toBeUndefined();
    await term!.release();
    expect(term!.signal.aborted).toBe(true);
    const next = await second.tryAcquire();
    expect(next).toBeDefined();
    await next!.release();
  });

  test('a lease broken by someone else is noticed at the next renewal: the term aborts', async () => {
    const name = `lead-${randomUUID()}`;
    const leadership = new BlobLeadership(clients.leases, name, 15, silentLogger);
    const term = await leadership.tryAcquire();
    expect(term).toBeDefined();
    // an operator (or another instance after expiry) breaks the lease and takes it
    const blob = clients.leases.getBlockBlobClient(`${name}.leader`);
    await blob.getBlobLeaseClient().breakLease(0);
    const thief = await new BlobLeadership(clients.leases, name, 15, silentLogger).tryAcquire();
    expect(thief).toBeDefined();
    const started = Date.now();
    await new Promise<void>((resolve) => term!.signal.addEventListener('abort', () => resolve(), { once: true }));
    expect(Date.now() - started).toBeLessThan(6_000); // renewals every lease/4 = 3.75 s
    await term!.release();
    await thief!.release();
  }, 20_000);
});

describe('QueueDeadLetterStore', () => {
  test('letters never expire, carry payload and reason, and can be received and removed', async () => {
    const store = new QueueDeadLetterStore(
      clients.deadLetters,
      clients.checkpoints,
      { baseMs: 10, maxMs: 100 },
      silentLogger,
    );
    const letter: DeadLetter = {
      kind: 'verification-failed',
      reason: 'InvalidSignature: Transaction signature is invalid.',
      transactionId: 'a'.repeat(64),
      assetId: 'a'.repeat(64),
      blockHeight: 7,
      indexInBlock: 2,
      payload: { id: 'a'.repeat(64), note: 'x'.repeat(100) },
      deadLetteredAt: new Date().toISOString(),
    };
    await store.add(letter);
    await store.add({ ...letter, transactionId: 'b'.repeat(64), payload: { huge: 'y'.repeat(60_000) } });
    const peeked = await clients.deadLetters.peekMessages({ numberOfMessages: 2 });
    expect(peeked.peekedMessageItems).toHaveLength(2);
    expect(peeked.peekedMessageItems[0]!.expiresOn.getUTCFullYear()).toBeGreaterThan(9000); // TTL -1 = never
    const received = await store.receive(10, 30);
    expect(received.map((r) => r.letter?.transactionId)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    expect(received[0]!.letter).toEqual(letter);
    expect(received[1]!.letter?.payload).toMatchObject({ truncated: true });
    const props = await clients.deadLetters.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 1 });
    expect(props.receivedMessageItems).toHaveLength(0); // hidden while being handled
    for (const r of received) await r.remove();
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await clients.deadLetters.peekMessages({ numberOfMessages: 5 })).peekedMessageItems).toHaveLength(0);
  });

  test('counts the letters in the queue by kind, hidden ones included, removed ones not', async () => {
    const store = new QueueDeadLetterStore(
      clients.deadLetters,
      clients.checkpoints,
      { baseMs: 10, maxMs: 100 },
      silentLogger,
    );
    const letter = (kind: DeadLetter['kind'], id: string): DeadLetter => ({
      kind,
      reason: 'r',
      transactionId: id.repeat(64),
      assetId: undefined,
      blockHeight: 1,
      indexInBlock: 0,
      payload: null,
      deadLetteredAt: new Date().toISOString(),
    });
    const before = await store.countByKind();
    await store.add(letter('poison', 'c'));
    await store.add(letter('poison', 'd'));
    await store.add(letter('rejected', 'e'));
    const counted = await store.countByKind();
    expect(counted).toEqual({ ...before, poison: before.poison + 2, rejected: before.rejected + 1 });
    const received = await store.receive(32, 30);
    expect(await store.countByKind()).toEqual(counted); // hidden while handled: still in the queue
    for (const r of received.filter((x) => x.letter?.kind === 'poison')) await r.remove();
    expect(await store.countByKind()).toEqual({ ...before, rejected: before.rejected + 1 });
  });
});
