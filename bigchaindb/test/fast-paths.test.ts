// The fast paths of the transaction core agree exactly with the reference implementations they replace:
// Node's SHA3-256 with js-sha3, the one-walk transaction texts with serialize() of the two objects, and the
// fixed-layout ed25519 fulfillment decoder (libsodium verify) with the crypto-conditions library.
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { sha3_256 } from 'js-sha3';
import * as bigchaindb from '../src';

const {
  Transaction,
  serialize,
  transactionTexts,
  serializeTransactionTexts,
  sha3Hex,
  signingMessage,
  signingMessages,
  parseFulfillment,
  parseFulfillmentUri,
  signingKeys,
  fulfillmentValidates,
} = bigchaindb;
type Tx = bigchaindb.Transaction;

const vectors = join(__dirname, 'fixtures', 'vectors');
const load = (name: string): unknown => JSON.parse(readFileSync(join(vectors, name), 'utf8'));
const rawVectors: unknown[] = [
  load('tx-create-hello-bigchaindb.json'),
  load('tx-transfer-seq1.json'),
  load('tx-transfer-seq2.json'),
  ...(load('txs-transfer-by-asset.json') as unknown[]),
  ...(load('block-height-1.json') as { transactions: unknown[] }).transactions,
];
const txs: Tx[] = rawVectors.map((raw) => Transaction.parse(raw));

/** The rules as written: two separate serializations, js-sha3. */
const referenceIdText = (tx: object): string => serialize({ ...tx, id: null });
const referenceSigningText = (tx: { inputs: object[] }): string =>
  serialize({ ...tx, id: null, inputs: tx.inputs.map((i) => ({ ...i, fulfillment: null })) });

describe('SHA3-256 from node:crypto', () => {
  it.each(txs.map((tx, i) => [i, tx] as const))('vector %i: same digest as js-sha3 and the published id', (_i, tx) => {
    const text = referenceIdText(tx);
    expect(sha3Hex(text)).toBe(sha3_256(text));
    expect(sha3Hex(text)).toBe(tx.id);
    expect(bigchaindb.computeTransactionId(tx)).toBe(tx.id);
  });
  it('agrees with js-sha3 on any text, non-ASCII and astral characters included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => sha3Hex(text) === sha3_256(text)));
  });
  it('signing messages equal sha3 of prefix + fulfills, one input or many', () => {
    const tx = txs[1] as Tx;
    const prefix = referenceSigningText(tx);
    const fulfills = [
      null,
      { transaction_id: 'a'.repeat(64), output_index: 0 },
      { transaction_id: 'b'.repeat(64), output_index: 7 },
    ];
    const expected = fulfills.map((f) =>
      Buffer.from(sha3_256.arrayBuffer(f ? `${prefix}${f.transaction_id}${f.output_index}` : prefix)),
    );
    expect(
      signingMessages(
        prefix,
        fulfills.map((f) => ({ fulfills: f })),
      ),
    ).toEqual(expected);
    expect(fulfills.map((f) => signingMessage(prefix, f))).toEqual(expected);
  });
});

describe('transaction texts in one walk', () => {
  it.each(txs.map((tx, i) => [i, tx] as const))('vector %i: byte-identical to the two serializations', (_i, tx) => {
    const texts = transactionTexts(tx);
    expect(texts).toEqual({
      idText: referenceIdText(tx),
      signingText: referenceSigningText(tx),
      idValueAt: expect.any(Number) as number,
    });
    expect(
      texts.idText.slice(0, texts.idValueAt) + JSON.stringify(tx.id) + texts.idText.slice(texts.idValueAt + 4),
    ).toBe(serialize(tx));
  });
  it('any JSON object shaped loosely like a transaction (missing id or fulfillment, odd inputs, extra keys)', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !(typeof v === 'number' && !Number.isFinite(v)));
    const input = fc.oneof(
      fc.record(
        {
          owners_before: fc.array(fc.string()),
          fulfills: fc.constant(null),
          fulfillment: fc.oneof(fc.string(), fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ unit: 'binary' }), json, { maxKeys: 4 }),
    );
    const tx = fc.record(
      {
        id: fc.oneof(fc.string(), fc.constant(null)),
        inputs: fc.array(input, { maxLength: 3 }),
        metadata: json,
        version: fc.string(),
        zzz: json,
        ' ': json,
      },
      { requiredKeys: ['inputs'] },
    );
    fc.assert(
      fc.property(tx, (value) => {
        const texts = serializeTransactionTexts(value);
        return texts.idText === referenceIdText(value) && texts.signingText === referenceSigningText(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fixed-layout ed25519 fulfillments', () => {
  const cases = txs.flatMap((tx) => tx.inputs.map((input) => ({ tx, input })));
  it.each(cases.map((c, i) => [i, c] as const))(
    'vector input %i: fast path agrees with the library',
    (_i, { tx, input }) => {
      const uri = input.fulfillment as string;
      const fast = parseFulfillmentUri(uri)!;
      const slow = parseFulfillment(uri)!;
      expect(fast.constructor.name).toBe('FixedEd25519Fulfillment');
      expect(fast.conditionUri).toBe(slow.getConditionUri());
      expect(fast.serializedUri).toBe(slow.serializeUri());
      expect(fast.signers).toEqual(signingKeys(slow));
      expect(fast.fulfillment.serializeUri()).toBe(uri);
      const message = signingMessage(referenceSigningText(tx), input.fulfills);
      expect(fast.validates(message)).toBe(true);
      expect(fulfillmentValidates(slow, message)).toBe(true);
      const wrong = Buffer.from(message);
      wrong[0] = (wrong[0] ?? 0) ^ 1;
      expect(fast.validates(wrong)).toBe(false);
      expect(fulfillmentValidates(slow, wrong)).toBe(false);
    },
  );

  it('any corruption of a fulfillment: same parse outcome, condition and verdict as the library', () => {
    const tx = txs[0] as Tx;
    const uri = tx.inputs[0]!.fulfillment as string;
    const der = Buffer.from(uri, 'base64url');
    const message = signingMessage(referenceSigningText(tx), null);
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const bytes = Buffer.from(der);
        bytes[index] = (bytes[index] ?? 0) ^ flip;
        const corrupted = bytes.toString('base64url');
        const fast = parseFulfillmentUri(corrupted);
        const slow = parseFulfillment(corrupted);
        if (!slow) return fast === undefined;
        let slowCondition: string;
        try {
          slowCondition = slow.getConditionUri();
        } catch {
          return fast === undefined;
        }
        return (
          fast !== undefined &&
          fast.conditionUri === slowCondition &&
          fast.validates(message) === fulfillmentValidates(slow, message)
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a non-canonical base64url spelling goes to the library, which re-encodes it canonically', () => {
    const uri = txs[0]!.inputs[0]!.fulfillment as string;
    const padded = `${uri}==`;
    const parsed = parseFulfillmentUri(padded);
    const slow = parseFulfillment(padded);
    expect(slow).toBeDefined();
    expect(parsed?.constructor.name).not.toBe('FixedEd25519Fulfillment');
    expect(parsed?.serializedUri).toBe(uri);
  });

  it('refuses what PyNaCl (the real node) refuses and OpenSSL accepts: the identity key "signs" any message', () => {
    // A small-order public key (the curve's identity) with R = identity and S = 0 passes OpenSSL's
    // cofactorless check for every message; libsodium, like the PyNaCl the real node verifies with, refuses it.
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const signature = Buffer.concat([identity, Buffer.alloc(32)]);
    const message = signingMessage(referenceSigningText(txs[0] as Tx), null);
    const spki = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, message, spki, signature)).toBe(true);
    const uri = Buffer.concat([
      Buffer.from('a4648020', 'hex'),
      identity,
      Buffer.from('8140', 'hex'),
      signature,
    ]).toString('base64url');
    const parsed = parseFulfillmentUri(uri);
    expect(parsed?.constructor.name).toBe('FixedEd25519Fulfillment');
    expect(parsed?.validates(message)).toBe(false);
  });

  it('garbage is unparseable', () => {
    expect(parseFulfillmentUri('not-a-fulfillment')).toBeUndefined();
    expect(parseFulfillmentUri('')).toBeUndefined();
  });
});

describe('the crypto-conditions library stays unloaded on the fast path', () => {
  it('verifying single-key transactions in a fresh process never loads it (it costs ~14 MB per thread)', () => {
    // A separate process: this test file itself loaded the library through the reference helpers above.
    const script = `
      const bigchaindb = require(${JSON.stringify(join(__dirname, '..', 'dist'))});
      const txs = ${JSON.stringify(rawVectors.slice(0, 3))};
      const results = txs.map((tx) => bigchaindb.verifyTransaction(bigchaindb.Transaction.parse(tx)).ok);
      const loaded = Object.keys(require.cache).some((file) => file.includes('crypto-conditions'));
      process.stdout.write(JSON.stringify({ results, loaded }));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ results: [true, true, true], loaded: false });
  });

  it("importing the package loads no native addon (the WebJob's main thread only parses); verifying loads libsodium", () => {
    const script = `
      const bigchaindb = require(${JSON.stringify(join(__dirname, '..', 'dist'))});
      const sodiumLoaded = () => Object.keys(require.cache).some((file) => file.includes('sodium-native'));
      const before = sodiumLoaded();
      const ok = bigchaindb.verifyTransaction(bigchaindb.Transaction.parse(${JSON.stringify(rawVectors[0])})).ok;
      process.stdout.write(JSON.stringify({ before, ok, after: sodiumLoaded() }));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ before: false, ok: true, after: true });
  });
});
