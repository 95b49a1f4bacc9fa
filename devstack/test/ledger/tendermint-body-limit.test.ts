// What the real node refuses because of Tendermint's 1,000,000-byte RPC body limit, at the exact
// byte, and what it answers for a transaction id that is not hex.
import { pythonJsonDumps } from '../../src/ledger/python-json';
import { maxTransactionTextLength } from '../../src/ledger/tendermint-body-limit';
import type { LedgerNode } from '../../src/ledger';
import { ALICE, http, makeCreate, post, startTestNode, type Tx } from './ledger-fixtures';

const TOO_LARGE = `${JSON.stringify({ message: 'Invalid Request - Error reading request body: http: request body too large', status: 500 })}\n`;

/** A valid CREATE whose Python json.dumps text is exactly `length` characters (metadata padding). */
function createOfTextLength(length: number, seed: string): Tx {
  const build = (pad: number): Tx => makeCreate(ALICE, { metadata: { seed, pad: 'x'.repeat(pad) } });
  const probe = pythonJsonDumps(build(0)).length;
  const tx = build(length - probe);
  expect(pythonJsonDumps(tx).length).toBe(length);
  return tx;
}

describe('ledger node: transactions Tendermint cannot carry', () => {
  let node: LedgerNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.stop());

  test('the largest transaction text is 749,916 characters (async, sync) and 749,913 (commit)', () => {
    // 1,000,000 bytes minus the JSON-RPC envelope (112, 111, 113 bytes), as whole base64 quads of 3 bytes each.
    expect([
      maxTransactionTextLength('async'),
      maxTransactionTextLength('sync'),
      maxTransactionTextLength('commit'),
    ]).toEqual([749_916, 749_916, 749_913]);
  });

  test.each([
    ['async', 749_916],
    ['sync', 749_916],
    ['commit', 749_913],
  ] as const)('mode=%s: %i characters are accepted, one more is a 500 from Tendermint', async (mode, max) => {
    const fits = createOfTextLength(max, `fits-${mode}`);
    const accepted = await post(node, fits, mode);
    expect(accepted.status).toBe(202);
    const over = createOfTextLength(max + 1, `over-${mode}`);
    const refused = await post(node, over, mode);
    expect([refused.status, refused.text]).toEqual([500, TOO_LARGE]);
    // Nothing of it was committed: the same transaction is refused the same way again.
    node.commitNow();
    expect((await http(`${node.apiUrl}transactions/${over.id}`)).status).toBe(404);
    expect((await post(node, over, mode)).status).toBe(500);
  });

  test('an invalid oversized transaction gets its validation error, not the size error', async () => {
    const over = createOfTextLength(800_000, 'invalid');
    const forged = { ...over, id: '0'.repeat(64) };
    const res = await post(node, forged);
    expect(res.status).toBe(400);
    expect(res.text).toContain('InvalidHash');
  });

  test('GET /transactions/{id} with an id that is not hex is a plain 404, like any unknown id', async () => {
    // BigchainDB 2.2.2 looks the id up in MongoDB unvalidated (views/transactions.py, lib.py get_transaction).
    for (const id of ['not-a-hex-id', 'ZZ', 'g'.repeat(64)]) {
      const res = await http(`${node.apiUrl}transactions/${id}`);
      expect([res.status, res.text]).toEqual([404, '{"message":"Not found","status":404}\n']);
    }
  });
});
