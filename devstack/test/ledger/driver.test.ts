// Every call of the official JS driver (bigchaindb-driver 4.3.0) against the node, shaped like the driver's own
// integration tests (test/integration/test_integration.js). The driver has no getValidators call (checked in
// its 4.3.0 types and dist); GET /validators is covered in http-api.test.ts.
import * as driver from 'bigchaindb-driver';
import type { LedgerNode } from '../../src/ledger';
import { http, startTestNode } from './ledger-fixtures';

type Signed = driver.TransactionCommonSigned<driver.TransactionOperations>;

describe('bigchaindb-driver against the local node', () => {
  let node: LedgerNode;
  let conn: driver.Connection;
  const alice = new driver.Ed25519Keypair();
  const bob = new driver.Ed25519Keypair();
  const carol = new driver.Ed25519Keypair();
  const marker = `driver${Date.now()}${Math.floor(Math.random() * 1e6)}`;

  beforeAll(async () => {
    node = await startTestNode({ blockIntervalMs: 20 });
    conn = new driver.Connection(node.apiUrl, {}, 5000);
  });
  afterAll(() => node.stop());

  function create(
    owner: driver.Ed25519Keypair,
    amounts: string[],
    data: Record<string, unknown>,
    metadata: Record<string, unknown>,
  ): Signed {
    const outputs = amounts.map((amount) =>
      driver.Transaction.makeOutput(driver.Transaction.makeEd25519Condition(owner.publicKey), amount),
    );
    const tx = driver.Transaction.makeCreateTransaction(data, metadata, outputs, owner.publicKey);
    return driver.Transaction.signTransaction(tx, owner.privateKey);
  }

  function transfer(
    spent: { tx: Signed; index: number }[],
    to: driver.Ed25519Keypair,
    amount: string,
    ...keys: string[]
  ): Signed {
    const unspent = spent.map((s) => ({ tx: s.tx, output_index: s.index }));
    const tx = driver.Transaction.makeTransferTransaction(
      unspent as never,
      [driver.Transaction.makeOutput(driver.Transaction.makeEd25519Condition(to.publicKey), amount)],
      { spent: marker },
    );
    return driver.Transaction.signTransaction(tx, ...keys);
  }

  test('postTransaction (commit), postTransactionSync, postTransactionAsync, postTransactionCommit echo the transaction', async () => {
    for (const post of [
      conn.postTransaction,
      conn.postTransactionSync,
      conn.postTransactionAsync,
      conn.postTransactionCommit,
    ]) {
      const tx = create(alice, ['1'], { marker, kind: post.name }, { metaDataMessage: marker });
      const echoed = await post.call(conn, tx as never);
      expect(echoed).toEqual(tx);
    }
  });

  test('getTransaction returns the committed transaction; an unknown id is a ResponseError with status "404 NOT FOUND"', async () => {
    const tx = create(alice, ['1'], { marker, n: 1 }, { n: 1 });
    await conn.postTransactionCommit(tx as never);
    expect(await conn.getTransaction(tx.id)).toEqual(tx);
    await expect(conn.getTransaction('f'.repeat(64))).rejects.toMatchObject({ status: '404 NOT FOUND' });
  });

  test('transfers with one input, two inputs of one CREATE, and a chain; listTransactions and listOutputs spent true/false/absent', async () => {
    const minted = create(alice, ['1', '1', '1'], { marker, n: 2 }, { n: 2 });
    await conn.postTransactionCommit(minted as never);
    const one = transfer([{ tx: minted, index: 0 }], bob, '1', alice.privateKey);
    await conn.postTransactionCommit(one as never);
    const two = transfer(
      [
        { tx: minted, index: 1 },
        { tx: minted, index: 2 },
      ],
      bob,
      '2',
      alice.privateKey,
      alice.privateKey,
    );
    await conn.postTransactionCommit(two as never);
    const onward = transfer(
      [
        { tx: one, index: 0 },
        { tx: two, index: 0 },
      ],
      carol,
      '3',
      bob.privateKey,
      bob.privateKey,
    );
    await conn.postTransactionCommit(onward as never);

    expect((await conn.listTransactions(minted.id)).map((t) => t.id)).toEqual([minted.id, one.id, two.id, onward.id]);
    expect(
      (await conn.listTransactions(minted.id, 'TRANSFER' as driver.TransactionOperations)).map((t) => t.id),
    ).toEqual([one.id, two.id, onward.id]);
    expect((await conn.listTransactions(minted.id, 'CREATE' as driver.TransactionOperations)).map((t) => t.id)).toEqual(
      [minted.id],
    );

    expect(await conn.listOutputs(alice.publicKey)).toEqual(
      expect.arrayContaining([0, 1, 2].map((i) => ({ transaction_id: minted.id, output_index: i }))),
    );
    expect(await conn.listOutputs(bob.publicKey)).toEqual([
      { transaction_id: one.id, output_index: 0 },
      { transaction_id: two.id, output_index: 0 },
    ]);
    expect(await conn.listOutputs(bob.publicKey, true)).toHaveLength(2);
    expect(await conn.listOutputs(bob.publicKey, false)).toEqual([]);
    expect(await conn.listOutputs(carol.publicKey, false)).toEqual([{ transaction_id: onward.id, output_index: 0 }]);
    expect(await conn.listOutputs(carol.publicKey, true)).toEqual([]);
  });

  test('searchAssets and searchMetadata (limit=10, as the driver sends)', async () => {
    const tx = create(alice, ['1'], { message: marker }, { metaDataMessage: `${marker} lease` });
    await conn.postTransactionCommit(tx as never);
    const assets = await conn.searchAssets(marker);
    expect(assets.map((a) => a.id)).toContain(tx.id);
    expect(assets.find((a) => a.id === tx.id)).toEqual({ data: { message: marker }, id: tx.id });
    expect(await conn.searchAssets(marker, 1)).toHaveLength(1);
    const metadata = await conn.searchMetadata(`${marker} lease`);
    expect(metadata.find((m) => m.id === tx.id)).toEqual({
      id: tx.id,
      metadata: { metaDataMessage: `${marker} lease` },
    });
  });

  test('listBlocks then getBlock finds the transaction (the driver test "Search blocks containing a transaction")', async () => {
    const tx = create(alice, ['1'], { marker, n: 3 }, { n: 3 });
    const posted = await conn.postTransactionCommit(tx as never);
    const heights = await conn.listBlocks(posted.id);
    expect(heights).toHaveLength(1);
    const block = await conn.getBlock(heights[0] as number);
    expect(block.height).toBe(heights[0]);
    expect(block.transactions.filter((t) => t.id === posted.id)).toHaveLength(1);
  });

  test('a refused transaction rejects with status "400 BAD REQUEST" (the driver drops the body)', async () => {
    const tx = create(alice, ['1'], { marker, n: 4 }, { n: 4 });
    await conn.postTransactionCommit(tx as never);
    await expect(conn.postTransactionCommit(tx as never)).rejects.toMatchObject({ status: '400 BAD REQUEST' });
  });

  test('the driver test "Payload thrown at incorrect API_PATH" gets 404 NOT FOUND', async () => {
    const wrong = new driver.Connection(`${node.rootUrl}/api/wrong/`, {}, 5000);
    await expect(wrong.getTransaction('transactionId')).rejects.toMatchObject({ status: '404 NOT FOUND' });
    expect((await http(`${node.rootUrl}/api/wrong/transactions/transactionId`)).status).toBe(404);
  });
});
