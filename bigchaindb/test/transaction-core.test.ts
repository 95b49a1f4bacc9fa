// The transaction core against the real BigchainDB 2.2.2 documentation vectors (signed by the real server code).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bigchaindb from '../src';

const {
  Transaction,
  computeTransactionId,
  serialize,
  signTransaction,
  verifyTransaction,
  conditionDetailsFor,
  conditionFromDetails,
} = bigchaindb;
type Tx = bigchaindb.Transaction;
type Output = bigchaindb.Output;

const vectors = join(__dirname, 'fixtures', 'vectors');
const load = (name: string): unknown => JSON.parse(readFileSync(join(vectors, name), 'utf8'));
const keys = load('keys.json') as {
  keypairs: { private_key: string; public_key: string }[];
  transactions: Record<string, string>;
};
const [issuer, second, third] = keys.keypairs as [
  (typeof keys.keypairs)[0],
  (typeof keys.keypairs)[0],
  (typeof keys.keypairs)[0],
];
const create = Transaction.parse(load('tx-create-hello-bigchaindb.json'));
const seq1 = Transaction.parse(load('tx-transfer-seq1.json'));
const seq2 = Transaction.parse(load('tx-transfer-seq2.json'));
const byAsset = (load('txs-transfer-by-asset.json') as unknown[]).map((t) => Transaction.parse(t));
const block1 = load('block-height-1.json') as { transactions: unknown[] };

/** Spent-output lookup over a set of transactions, as the ledger resolves `fulfills`. */
function lookupIn(...txs: Tx[]): bigchaindb.SpentOutputLookup {
  const byId = new Map(txs.map((t) => [t.id, t]));
  return (input) =>
    input.fulfills ? byId.get(input.fulfills.transaction_id)?.outputs[input.fulfills.output_index] : undefined;
}
const clone = <T>(value: T): T => structuredClone(value);

describe('ids of the real vectors', () => {
  const all: [string, unknown][] = [
    ['create', load('tx-create-hello-bigchaindb.json')],
    ['transfer seq1', load('tx-transfer-seq1.json')],
    ['transfer seq2', load('tx-transfer-seq2.json')],
    ...byAsset.map((t, i): [string, unknown] => [`by-asset[${i}]`, t]),
    ...block1.transactions.map((t, i): [string, unknown] => [`block 1 tx ${i}`, t]),
  ];
  it.each(all)('%s: recomputed id equals the published id', (_name, raw) => {
    const tx = Transaction.parse(raw);
    expect(computeTransactionId(tx)).toBe(tx.id);
  });
  it('the ids are the ones keys.json names', () => {
    expect([create.id, seq1.id, seq2.id]).toEqual([
      keys.transactions.create,
      keys.transactions.transfer_seq1,
      keys.transactions.transfer_seq2,
    ]);
  });
});

describe('fulfillment verification', () => {
  it('accepts every vector and reports who signed', () => {
    const lookup = lookupIn(create, seq1, seq2);
    expect(verifyTransaction(create)).toEqual({ ok: true, signers: [[issuer.public_key]] });
    expect(verifyTransaction(seq1, lookup)).toEqual({ ok: true, signers: [[issuer.public_key]] });
    expect(verifyTransaction(seq2, lookup)).toEqual({ ok: true, signers: [[second.public_key]] });
  });

  it('detects a tampered body through the id', () => {
    const tampered = clone(create);
    tampered.metadata = { sequence: 1 };
    expect(verifyTransaction(tampered)).toEqual({
      ok: false,
      error: 'InvalidHash',
      reason: `The transaction's id '${create.id}' isn't equal to the hash of its body, i.e. it's not valid.`,
    });
  });

  it('detects a tampered body whose id was recomputed through the signature', () => {
    const tampered = clone(seq1);
    tampered.outputs[0]!.public_keys = [third.public_key];
    tampered.id = computeTransactionId(tampered);
    expect(verifyTransaction(tampered, lookupIn(create))).toMatchObject({
      ok: false,
      error: 'InvalidSignature',
      reason: 'Transaction signature is invalid.',
    });
  });

  it('binds a TRANSFER signature to the output it spends (v2 message suffix)', () => {
    const moved = clone(seq1);
    moved.inputs[0]!.fulfills = { transaction_id: create.id!, output_index: 1 };
    moved.id = computeTransactionId(moved);
    expect(verifyTransaction(moved)).toMatchObject({ ok: false, error: 'InvalidSignature' });
  });

  it("rejects a fulfillment whose condition is not the spent output's", () => {
    const other: Output = {
      ...create.outputs[0]!,
      condition: {
        details: conditionDetailsFor([third.public_key]),
        uri: conditionFromDetails(conditionDetailsFor([third.public_key])).serializeUri(),
      },
    };
    expect(verifyTransaction(seq1, () => other)).toMatchObject({ ok: false, error: 'InvalidSignature' });
    expect(verifyTransaction(seq1, () => undefined)).toMatchObject({ ok: false, error: 'InvalidSignature' });
  });

  it('reports an unparseable fulfillment with the real message', () => {
    const broken = clone(create);
    broken.inputs[0]!.fulfillment = 'AAAA';
    broken.id = computeTransactionId(broken);
    expect(verifyTransaction(broken)).toEqual({
      ok: false,
      error: 'InvalidSignature',
      reason: "Fulfillment URI couldn't been parsed",
    });
  });

  it('reports a missing id', () => {
    expect(verifyTransaction({ ...create, id: null })).toEqual({
      ok: false,
      error: 'InvalidHash',
      reason: 'No transaction id found!',
    });
  });

  it("like the real node, does not compare a CREATE's signing key with owners_before", () => {
    const unsigned = { ...clone(create), id: null };
    const signedByOther = signTransaction(unsigned, [third.private_key], () => ({
      ...create.outputs[0]!,
      condition: { details: conditionDetailsFor([third.public_key]), uri: '' },
    }));
    expect(signedByOther.inputs[0]!.owners_before).toEqual([issuer.public_key]);
    expect(verifyTransaction(signedByOther)).toEqual({ ok: true, signers: [[third.public_key]] });
  });
});

describe('signing', () => {
  it('reproduces the published vectors byte for byte (ed25519 is deterministic)', () => {
    const strip = (t: Tx): Tx => ({
      ...clone(t),
      id: null,
      inputs: t.inputs.map((i) => ({ ...i, fulfillment: null })),
    });
    expect(signTransaction(strip(create), [issuer.private_key])).toEqual(create);
    expect(signTransaction(strip(seq1), [issuer.private_key], lookupIn(create))).toEqual(seq1);
    expect(signTransaction(strip(seq2), [second.private_key], lookupIn(seq1))).toEqual(seq2);
  });

  it('refuses to sign without the needed key', () => {
    expect(() => signTransaction({ ...clone(create), id: null }, [second.private_key])).toThrow(
      /cannot fulfil input 0/,
    );
  });
});

describe('threshold conditions (several owners)', () => {
  const owners = [second.public_key, third.public_key];
  const details = conditionDetailsFor(owners);
  const sharedOutput: Output = {
    public_keys: owners,
    condition: { details, uri: conditionFromDetails(details).serializeUri() },
    amount: '1',
  };
  const jointCreate = signTransaction(
    {
      inputs: [{ owners_before: [issuer.public_key], fulfills: null, fulfillment: null }],
      outputs: [sharedOutput],
      operation: 'CREATE',
      metadata: null,
      asset: { data: { car: 'joint' } },
      version: '2.0',
    },
    [issuer.private_key],
  );
  const transferOut = {
    inputs: [
      { owners_before: owners, fulfills: { transaction_id: jointCreate.id!, output_index: 0 }, fulfillment: null },
    ],
    outputs: [{ ...create.outputs[0]! }],
    operation: 'TRANSFER' as const,
    metadata: { step: 'out of joint ownership' },
    asset: { id: jointCreate.id! },
    version: '2.0' as const,
  };

  it('uses the threshold URI BigchainDB writes for 2-of-2', () => {
    expect(sharedOutput.condition.uri).toMatch(
      /^ni:\/\/\/sha-256;[A-Za-z0-9_-]{43}\?fpt=threshold-sha-256&cost=\d+&subtypes=ed25519-sha-256$/,
    );
  });

  it('verifies a transfer signed by every owner and names both signers', () => {
    const signed = signTransaction(transferOut, [second.private_key, third.private_key], lookupIn(jointCreate));
    const result = verifyTransaction(signed, lookupIn(jointCreate));
    expect(result.ok && result.signers.map((s) => [...s].sort())).toEqual([[...owners].sort()]); // fulfillment order is binary order
  });

  it('cannot be signed by one owner alone', () => {
    expect(() => signTransaction(transferOut, [second.private_key], lookupIn(jointCreate))).toThrow(/cannot fulfil/);
  });

  it('rejects a 1-of-2 fulfillment presented for a 2-of-2 output', () => {
    const oneOfTwo = {
      type: 'threshold-sha-256' as const,
      threshold: 1,
      subconditions: owners.map((public_key) => ({ type: 'ed25519-sha-256' as const, public_key })),
    };
    const forged = signTransaction(transferOut, [second.private_key], () => ({
      ...sharedOutput,
      condition: { details: oneOfTwo, uri: '' },
    }));
    expect(verifyTransaction(forged)).toEqual({ ok: true, signers: [[second.public_key]] }); // signature alone is fine...
    expect(verifyTransaction(forged, lookupIn(jointCreate))).toMatchObject({ ok: false, error: 'InvalidSignature' }); // ...the condition is not
  });
});

describe('canonical serialization', () => {
  it('sorts keys, drops whitespace and keeps non-ASCII raw like python json.dumps(ensure_ascii=False, sort_keys=True)', () => {
    expect(serialize({ b: 1, a: [true, null, 'Zürich "x"\n\u0001'], c: { z: {}, y: [] } })).toBe(
      '{"a":[true,null,"Zürich \\"x\\"\\n\\u0001"],"b":1,"c":{"y":[],"z":{}}}',
    );
  });
  it('orders keys by code point, not UTF-16 unit', () => {
    expect(serialize({ '\u{1F600}': 1, '\uFFFD': 2 })).toBe('{"\uFFFD":2,"\u{1F600}":1}');
  });
  it('refuses values JSON cannot carry', () => {
    expect(() => serialize({ a: Number.NaN })).toThrow(TypeError);
  });
});
