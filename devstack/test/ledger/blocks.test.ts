// Block production: the interval, immediate mode, empty blocks, mode semantics and the per-block log line.
import type { LedgerNode } from '../../src/ledger';
import { ALICE, http, makeCreate, post, startTestNode, waitFor } from './ledger-fixtures';

describe('ledger node blocks', () => {
  let node: LedgerNode | undefined;
  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  test('with an interval, async posts wait for the next block, which holds all of them; one info line per block', async () => {
    const lines: string[] = [];
    node = await startTestNode({ blockIntervalMs: 1500, logLevel: 'info', logSink: (line) => lines.push(line) });
    const txs = [makeCreate(ALICE), makeCreate(ALICE), makeCreate(ALICE)];
    for (const tx of txs) expect((await post(node, tx, 'async')).status).toBe(202);
    expect((await http(`${node.apiUrl}transactions/${txs[0]!.id}`)).status).toBe(404); // accepted is not committed
    expect(node.pending()).toBe(3);
    await node.waitForHeight(1, 3000);
    const block = JSON.parse((await http(`${node.apiUrl}blocks/1`)).text) as { transactions: { id: string }[] };
    expect(block.transactions.map((t) => t.id)).toEqual(txs.map((t) => t.id));
    await new Promise((r) => setTimeout(r, 1600));
    expect(node.height()).toBe(1); // no empty blocks unless asked
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 'info',
        component: 'ledger',
        msg: 'block committed',
        height: 1,
        transactions: 3,
        dropped: 0,
      }),
    ]);
  });

  test('mode=commit answers only once the transaction is queryable; mode=sync answers before the block', async () => {
    node = await startTestNode({ blockIntervalMs: 250 });
    const started = Date.now();
    const committed = makeCreate(ALICE);
    expect((await post(node, committed, 'commit')).status).toBe(202);
    expect((await http(`${node.apiUrl}transactions/${committed.id}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    const synced = makeCreate(ALICE);
    expect((await post(node, synced, 'sync')).status).toBe(202);
    expect((await http(`${node.apiUrl}transactions/${synced.id}`)).status).toBe(404);
    await waitFor(() => node!.pending() === 0, 2000);
    expect((await http(`${node.apiUrl}transactions/${synced.id}`)).status).toBe(200);
  });

  test('immediate mode (0): concurrent posts share blocks, heights only grow', async () => {
    node = await startTestNode({ blockIntervalMs: 0 });
    const txs = Array.from({ length: 20 }, () => makeCreate(ALICE));
    const answers = await Promise.all(txs.map((tx) => post(node!, tx, 'commit')));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const heights = await Promise.all(
      txs.map(
        async (tx) => (JSON.parse((await http(`${node!.apiUrl}blocks?transaction_id=${tx.id}`)).text) as number[])[0]!,
      ),
    );
    expect(Math.max(...heights)).toBe(node.height());
    expect(node.height()).toBeLessThanOrEqual(20);
  });

  test('emptyBlocks commits a block on every interval even with nothing to commit', async () => {
    node = await startTestNode({ blockIntervalMs: 50, emptyBlocks: true });
    await node.waitForHeight(3, 2000);
    expect((await http(`${node.apiUrl}blocks/2`)).text).toBe('{"height": 2, "transactions": []}\n');
  });

  test('stop() settles waiting commit-mode posts and closes the ports', async () => {
    node = await startTestNode({ blockIntervalMs: 60_000 });
    const apiUrl = node.apiUrl;
    const waiting = post(node, makeCreate(ALICE), 'commit');
    await waitFor(() => node!.pending() === 1);
    await node.stop();
    expect((await waiting).status).toBe(500);
    await expect(fetch(apiUrl)).rejects.toThrow();
  });
});
