// The WebJob's verifier must agree with the shared BigchainDB core on every transaction, fast
// fulfillment parsing included.
import fc from 'fast-check';
import { Ed25519Sha256 } from 'crypto-conditions';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { outputKey, parseLedgerTransaction, type LedgerTransaction } from '../src/ledger/ledger-transaction';
import { verifyTransfer, verifyTrustedCreate } from '../src/verifier/transaction-verifier';
import { verdictOf } from '../src/verifier/verdict';
import { CarHistory, impostorCreate, newKeyPair } from './support/car-scenarios';

const company = newKeyPair();
const car = new CarHistory(company);
car.transfer();
car.transfer();
const asTx = (tx: unknown): LedgerTransaction => {
  const parsed = parseLedgerTransaction(JSON.parse(JSON.stringify(tx)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};
const [create, lease, back] = car.transactions.map(asTx) as [LedgerTransaction, LedgerTransaction, LedgerTransaction];

test('single ed25519 fulfillments take the fast path and match the library parser', () => {
  const uri = create.inputs[0]!.fulfillment as string;
  const parsed = bigchaindb.parseFulfillmentUri(uri)!;
  const fast = parsed.fulfillment;
  expect(fast).toBeInstanceOf(Ed25519Sha256);
  const message = bigchaindb.signingMessage(bigchaindb.serializeForSigning(create), null);
  expect(parsed.validates(message)).toBe(true);
  expect(fast.validate(message)).toBe(true); // the library agrees
  expect(parsed.validates(Buffer.alloc(32))).toBe(false);
  const slow = bigchaindb.parseFulfillment(uri)!;
  expect(fast.getConditionUri()).toBe(slow.getConditionUri());
  expect(fast.serializeUri()).toBe(uri);
  expect(bigchaindb.signingKeys(fast)).toEqual(bigchaindb.signingKeys(slow));
});

test('valid CREATE and TRANSFERs: same signers as the transaction core; conditions match the spent outputs', () => {
  for (const tx of [create, lease, back]) {
    const shared = bigchaindb.verifyTransaction(tx);
    const verdict = verdictOf(tx);
    expect(shared.ok && verdict.ok).toBe(true);
    if (shared.ok && verdict.ok) expect(verdict.signers).toEqual(shared.signers);
  }
  expect(verifyTrustedCreate(create, new Set([company.publicKey]))).toEqual({ ok: true, value: company.publicKey });
  const spent = new Map([[outputKey(create.id, 0), create.outputs[0]!.condition.uri]]);
  expect(verifyTransfer(lease, spent)).toEqual({ ok: true, value: true });
  // the lessee's TRANSFER back does not spend the CREATE's output
  expect(verifyTransfer(back, new Map([[outputKey(lease.id, 0), create.outputs[0]!.condition.uri]]))).toMatchObject({
    ok: false,
    reason: expect.stringContaining('not signed by the owner'),
  });
  expect(verifyTransfer(back, new Map())).toMatchObject({
    ok: false,
    reason: expect.stringContaining('does not exist'),
  });
});

test('an impostor-signed CREATE verifies cryptographically but is refused as the company', () => {
  const impostor = asTx(impostorCreate(company));
  expect(bigchaindb.verifyTransaction(impostor).ok).toBe(true); // what BigchainDB accepts
  expect(verifyTrustedCreate(impostor, new Set([company.publicKey]))).toMatchObject({
    ok: false,
    reason: expect.stringContaining(`names ${company.publicKey} in owners_before but its fulfillment was signed by`),
  });
});

test('a threshold (joint owners) fulfillment goes through the library parser and still verifies', () => {
  const a = newKeyPair();
  const b = newKeyPair();
  const details = bigchaindb.conditionDetailsFor([a.publicKey, b.publicKey]);
  const jointOutput: bigchaindb.Output = {
    public_keys: [a.publicKey, b.publicKey],
    condition: { details, uri: bigchaindb.conditionFromDetails(details).serializeUri() },
    amount: '1',
  };
  const joint = bigchaindb.signTransaction(
    {
      inputs: [{ owners_before: [a.publicKey], fulfills: null, fulfillment: null }],
      outputs: [jointOutput],
      operation: 'CREATE',
      metadata: null,
      asset: { data: { kind: 'x' } },
      version: '2.0',
    },
    [a.privateKey],
  );
  const soloDetails = bigchaindb.conditionDetailsFor([a.publicKey]);
  const transfer = asTx(
    bigchaindb.signTransaction(
      {
        inputs: [
          {
            owners_before: [a.publicKey, b.publicKey],
            fulfills: { transaction_id: joint.id!, output_index: 0 },
            fulfillment: null,
          },
        ],
        outputs: [
          {
            public_keys: [a.publicKey],
            condition: { details: soloDetails, uri: bigchaindb.conditionFromDetails(soloDetails).serializeUri() },
            amount: '1',
          },
        ],
        operation: 'TRANSFER',
        metadata: { n: 1 },
        asset: { id: joint.id! },
        version: '2.0',
      },
      [a.privateKey, b.privateKey],
      () => jointOutput,
    ),
  );
  expect(bigchaindb.parseFulfillmentUri(transfer.inputs[0]!.fulfillment as string)!.fulfillment).not.toBeInstanceOf(
    Ed25519Sha256,
  );
  const shared = bigchaindb.verifyTransaction(transfer, () => jointOutput);
  const verdict = verdictOf(transfer);
  expect(shared.ok && verdict.ok).toBe(true);
  if (shared.ok && verdict.ok) expect(verdict.signers).toEqual(shared.signers);
  expect(verifyTransfer(transfer, new Map([[outputKey(joint.id!, 0), jointOutput.condition.uri]]))).toEqual({
    ok: true,
    value: true,
  });
});

test('property: for any corruption of a fulfillment, the verdict agrees with the transaction core', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 136 }),
      fc.constantFrom('A', 'B', '_', '-', '=', ''),
      fc.boolean(),
      (position, replacement, recomputeId) => {
        const tx = JSON.parse(JSON.stringify(lease)) as LedgerTransaction;
        const uri = tx.inputs[0]!.fulfillment as string;
        tx.inputs[0]!.fulfillment = uri.slice(0, position) + replacement + uri.slice(position + 1);
        if (recomputeId) tx.id = bigchaindb.computeTransactionId(tx);
        expect(verdictOf(tx).ok).toBe(bigchaindb.verifyTransaction(tx).ok);
      },
    ),
    { numRuns: 300 },
  );
});
