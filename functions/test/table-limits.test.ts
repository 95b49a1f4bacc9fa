// Azure Table limits the repositories handle: large documents split across string properties, keys
// with forbidden characters encoded, and the driver-vehicle links kept in ledger order.
import { randomBytes } from 'node:crypto';
import { StorageRequestCounter } from '../../devstack/src/bench/storage-request-counter';
import { TableStore } from '../src/storage/table-store';
import { packJson, unpackJson } from '../src/storage/packed-json';
import { decodeTableKey, encodeTableKey } from '@lease-premium/events/azure-storage';
import { DriverVehiclesRepository } from '../src/storage/driver-vehicles-repository';
import { testStorageConnectionString, uniqueName } from '../../tests/support/storage';

describe('table limits', () => {
  const store = new TableStore(
    { kind: 'connection-string', connectionString: testStorageConnectionString() },
    uniqueName('limits'),
  );
  const storage = new StorageRequestCounter(testStorageConnectionString());
  afterAll(() => storage.stop());

  it('stores a document larger than one property allows (64 KiB) across several, and reads it back', async () => {
    const doc = {
      breakdown: Array.from({ length: 2000 }, (_, i) => ({
        step: `step ${i}`,
        value: '1.2345',
        source: { note: 'é'.repeat(20), id: randomBytes(24).toString('base64') }, // random: deflates little
      })),
    };
    const props = packJson('doc', doc);
    expect(props.docParts).toBeGreaterThan(2);
    const table = await store.table(store.names.vehicles);
    await table.createEntity({ partitionKey: 'p', rowKey: 'big', ...props });
    expect(unpackJson(await table.getEntity('p', 'big'), 'doc')).toEqual(doc);
  });

  it('stores a large document deflated and reads it back; a plain one (written before compression) still reads', async () => {
    const doc = { breakdown: Array.from({ length: 300 }, (_, i) => ({ step: `step ${i}`, note: 'é premium' })) };
    const props = packJson('doc', doc);
    expect(props.docEncoding).toBe('deflate-base64');
    expect(String(props.doc0).length).toBeLessThan(JSON.stringify(doc).length / 4);
    const plain = { docParts: 1, doc0: JSON.stringify(doc) };
    const table = await store.table(store.names.vehicles);
    await table.createEntity({ partitionKey: 'p', rowKey: 'deflated', ...props });
    await table.createEntity({ partitionKey: 'p', rowKey: 'plain', ...plain });
    expect(unpackJson(await table.getEntity('p', 'deflated'), 'doc')).toEqual(doc);
    expect(unpackJson(await table.getEntity('p', 'plain'), 'doc')).toEqual(doc);
    expect(packJson('doc', { small: true })).toEqual({ docParts: 1, doc0: '{"small":true}' }); // small: plain
  });

  it('refuses a document over the entity budget with a clear error', () => {
    expect(() => packJson('doc', 'x'.repeat(1_000_000))).toThrow(/too large to store/);
  });

  it('encodes the characters Azure forbids in keys, reversibly, and such keys work', async () => {
    const key = 'a/b\\c#d?e%f\u0001g';
    const encoded = encodeTableKey(key);
    expect([...encoded].some((c) => '/\\#?'.includes(c) || c.charCodeAt(0) < 0x20)).toBe(false);
    expect(decodeTableKey(encoded)).toBe(key);
    const table = await store.table(store.names.drivers);
    await table.createEntity({ partitionKey: encoded, rowKey: 'profile' });
    expect((await table.getEntity(encoded, 'profile')).partitionKey).toBe(encoded);
  });

  it('a closure removes only links an earlier event created', async () => {
    const links = new DriverVehiclesRepository(store);
    await links.link('driverA', 'car1', 'h~000000000005~000000~aa');
    expect(await links.unlinkIfBefore('driverA', 'car1', 'h~000000000004~000000~bb')).toBe(false);
    expect(await links.vehiclesOf('driverA')).toEqual(['car1']);
    expect(await links.unlinkIfBefore('driverA', 'car1', 'h~000000000009~000000~cc')).toBe(true);
    expect(await links.vehiclesOf('driverA')).toEqual([]);
    expect(await links.unlinkIfBefore('driverA', 'car1', 'h~000000000009~000000~cc')).toBe(false);
  });

  it('a link whose ETag is known goes in one conditional delete; a rewritten one is judged by its position', async () => {
    const links = new DriverVehiclesRepository(store);
    const requests = (work: () => Promise<unknown>) => storage.during(work);
    const etag = await links.link('driverB', 'car2', 'h~000000000005~000000~aa');
    expect(etag).toEqual(expect.any(String));
    let removed: boolean | undefined;
    expect(
      await requests(
        async () => (removed = await links.unlinkIfBefore('driverB', 'car2', 'h~000000000009~000000~cc', etag)),
      ),
    ).toBe(1);
    expect(removed).toBe(true);
    expect(await links.unlinkIfBefore('driverB', 'car2', 'h~000000000009~000000~cc', etag)).toBe(false); // already gone

    const old = await links.link('driverB', 'car2', 'h~000000000005~000000~aa');
    await links.link('driverB', 'car2', 'h~000000000010~000000~dd'); // rewritten by a later event
    expect(await links.unlinkIfBefore('driverB', 'car2', 'h~000000000009~000000~cc', old)).toBe(false);
    expect(await links.vehiclesOf('driverB')).toEqual(['car2']);
    const newer = await links.link('driverB', 'car2', 'h~000000000006~000000~ee'); // rewritten by an earlier one
    expect(newer).not.toBe(old);
    expect(await links.unlinkIfBefore('driverB', 'car2', 'h~000000000009~000000~cc', old)).toBe(true);
    expect(await links.vehiclesOf('driverB')).toEqual([]);
  });
});
