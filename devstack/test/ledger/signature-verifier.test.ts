// The worker-thread signature checks, loaded from the compiled build (workers need the compiled worker script;
// from TypeScript sources the verifier checks inline, which every other ledger test exercises).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bigchaindb } from '@lease-premium/events';
import type { SignatureVerifier as Verifier } from '../../src/ledger/signature-verifier';
import { checkInputSignatures, signatureJobOf, type SignatureJob } from '../../src/ledger/signature-check';
import { ALICE, BOB, CAROL, CREATE_VECTOR, TRANSFER1_VECTOR, makeCreate, makeTransfer, output } from './ledger-fixtures';

/** The job the HTTP thread builds for a posted transaction (through its JSON text, as posted). */
function jobOf(tx: unknown): SignatureJob {
  const posted = JSON.parse(JSON.stringify(tx)) as bigchaindb.UnsignedTransaction;
  return signatureJobOf(posted, bigchaindb.transactionTexts(posted).signingText);
}

const COMPILED = resolve(__dirname, '../../dist/ledger/signature-verifier.js');

function compiledVerifier(threads: number): Verifier {
  if (!existsSync(COMPILED)) throw new Error(`${COMPILED} is missing: build first (npx tsc -b devstack)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SignatureVerifier } = require(COMPILED) as { SignatureVerifier: new (threads: number) => Verifier };
  return new SignatureVerifier(threads);
}

describe('signature checks', () => {
  test('inline: the real vectors verify; the condition uri is the spent output one; a tampered message does not', () => {
    const [create] = checkInputSignatures(jobOf(CREATE_VECTOR));
    expect(create).toEqual({ kind: 'parsed', valid: true, conditionUri: CREATE_VECTOR.outputs[0]!.condition.uri, serialized: CREATE_VECTOR.inputs[0]!.fulfillment });
    const [transfer] = checkInputSignatures(jobOf(TRANSFER1_VECTOR));
    expect(transfer).toMatchObject({ kind: 'parsed', valid: true, conditionUri: CREATE_VECTOR.outputs[0]!.condition.uri });
    expect(checkInputSignatures(jobOf({ ...CREATE_VECTOR, metadata: { sequence: 5 } }))[0]).toMatchObject({ kind: 'parsed', valid: false });
    expect(checkInputSignatures(jobOf({ ...CREATE_VECTOR, inputs: [{ ...CREATE_VECTOR.inputs[0], fulfillment: 'AAAA' }] }))).toEqual([{ kind: 'unparseable' }]);
  });

  test('inline: threshold fulfillments verify leaf by leaf', () => {
    const joint = makeCreate(ALICE, { outputs: [output([BOB.public_key, CAROL.public_key])] });
    const both = makeTransfer([{ tx: joint, index: 0 }], [output([ALICE.public_key])], [BOB.private_key, CAROL.private_key]);
    expect(checkInputSignatures(jobOf(both))).toEqual([
      { kind: 'parsed', valid: true, conditionUri: joint.outputs[0]!.condition.uri, serialized: both.inputs[0]!.fulfillment },
    ]);
    const forged = structuredClone(both);
    forged.metadata = { changed: true };
    expect(checkInputSignatures(jobOf(forged))[0]).toMatchObject({ valid: false });
  });

  test('worker threads give the same verdicts as inline checks, for many transactions at once', async () => {
    const verifier = compiledVerifier(2);
    try {
      expect(verifier.threads).toBe(2);
      const txs = Array.from({ length: 40 }, (_, i) => {
        const tx = makeCreate(ALICE);
        return i % 3 === 0 ? { ...tx, metadata: { forged: i } } : tx;
      });
      const results = await Promise.all(txs.map((tx) => verifier.check(jobOf(tx))));
      results.forEach((result, i) => expect(result).toEqual(checkInputSignatures(jobOf(txs[i]))));
      expect(results.filter((r) => r[0]?.kind === 'parsed' && !r[0].valid)).toHaveLength(14);
    } finally {
      await verifier.stop();
    }
  });

  test('a job the worker cannot parse is rejected, and the worker keeps serving', async () => {
    const verifier = compiledVerifier(1);
    try {
      await expect(verifier.check({ signingText: 42, fulfillments: [], fulfills: [] } as unknown as SignatureJob)).rejects.toThrow(); // not a string: hashing throws in the worker
      const tx = makeCreate(ALICE);
      expect(await verifier.check(jobOf(tx))).toEqual(checkInputSignatures(jobOf(tx)));
      expect(bigchaindb.verifyTransaction(tx).ok).toBe(true);
    } finally {
      await verifier.stop();
    }
  });
});
