// The worker-thread signature checks, loaded from the compiled build (workers need the compiled worker script;
// from TypeScript sources the verifier checks inline, which every other ledger test exercises).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as bigchaindb from '@lease-premium/bigchaindb';
import type { SignatureVerifier as Verifier } from '../../src/ledger/signature-verifier';
import { checkInputSignatures, signatureJobOf, type SignatureJob } from '../../src/ledger/signature-check';
import {
  ALICE,
  BOB,
  CAROL,
  CREATE_VECTOR,
  TRANSFER1_VECTOR,
  makeCreate,
  makeTransfer,
  output,
} from './ledger-fixtures';

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
    expect(create).toEqual({
      kind: 'parsed',
      valid: true,
      conditionUri: CREATE_VECTOR.outputs[0]!.condition.uri,
      serialized: CREATE_VECTOR.inputs[0]!.fulfillment,
    });
    const [transfer] = checkInputSignatures(jobOf(TRANSFER1_VECTOR));
    expect(transfer).toMatchObject({
      kind: 'parsed',
      valid: true,
      conditionUri: CREATE_VECTOR.outputs[0]!.condition.uri,
    });
    expect(checkInputSignatures(jobOf({ ...CREATE_VECTOR, metadata: { sequence: 5 } }))[0]).toMatchObject({
      kind: 'parsed',
      valid: false,
    });
    expect(
      checkInputSignatures(jobOf({ ...CREATE_VECTOR, inputs: [{ ...CREATE_VECTOR.inputs[0], fulfillment: 'AAAA' }] })),
    ).toEqual([{ kind: 'unparseable' }]);
  });

  test('inline: threshold fulfillments verify leaf by leaf', () => {
    const joint = makeCreate(ALICE, { outputs: [output([BOB.public_key, CAROL.public_key])] });
    const both = makeTransfer(
      [{ tx: joint, index: 0 }],
      [output([ALICE.public_key])],
      [BOB.private_key, CAROL.private_key],
    );
    expect(checkInputSignatures(jobOf(both))).toEqual([
      {
        kind: 'parsed',
        valid: true,
        conditionUri: joint.outputs[0]!.condition.uri,
        serialized: both.inputs[0]!.fulfillment,
      },
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
      await expect(
        verifier.check({ signingText: 42, fulfillments: [], fulfills: [] } as unknown as SignatureJob),
      ).rejects.toThrow(); // not a string: hashing throws in the worker
      const tx = makeCreate(ALICE);
      expect(await verifier.check(jobOf(tx))).toEqual(checkInputSignatures(jobOf(tx)));
      expect(bigchaindb.verifyTransaction(tx).ok).toBe(true);
    } finally {
      await verifier.stop();
    }
  });

  test('jobs arriving while two batches are in flight wait and all come back right, in any arrival pattern', async () => {
    const verifier = compiledVerifier(1);
    try {
      const txs = Array.from({ length: 120 }, (_, i) => {
        const tx = makeCreate(ALICE);
        return i % 7 === 0 ? { ...tx, metadata: { forged: i } } : tx;
      });
      const pending: Promise<unknown>[] = [];
      for (const [i, tx] of txs.entries()) {
        pending.push(verifier.check(jobOf(tx)));
        if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve)); // a new batch every 10 jobs
      }
      const results = await Promise.all(pending);
      results.forEach((result, i) => expect(result).toEqual(checkInputSignatures(jobOf(txs[i]))));
    } finally {
      await verifier.stop();
    }
  });

  test('stop() rejects the jobs still waiting for a batch slot as well as those in flight', async () => {
    const verifier = compiledVerifier(1);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 5; j++) pending.push(verifier.check(jobOf(makeCreate(ALICE))));
      await new Promise((resolve) => setImmediate(resolve)); // batches 1 and 2 go out, batch 3 waits
    }
    await verifier.stop();
    const settled = await Promise.allSettled(pending);
    expect(settled).toHaveLength(15);
    for (const outcome of settled) {
      if (outcome.status === 'rejected') expect(String(outcome.reason)).toMatch(/stopped/);
      else expect(outcome.value).toEqual([expect.objectContaining({ kind: 'parsed', valid: true })]);
    }
    expect(settled.some((outcome) => outcome.status === 'rejected')).toBe(true);
  });
});
