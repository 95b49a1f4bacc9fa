// Verdicts from verifier threads must be exactly the inline ones (the threads run the compiled
// verifier: `npx tsc -b webjob` first), in any order, and a pool that loses its threads mid-work
// must still answer every primed transaction.
import { verdictOfRaw, type MaybeVerdict } from '../src/verifier/verdict';
import { VerificationPool } from '../src/verifier/verification-pool';
import { CarHistory, buildFleet, impostorCreate, newKeyPair, unrelatedCreate } from './support/car-scenarios';

const company = newKeyPair();
const trusted = new Set([company.publicKey]);
const fresh = <T>(tx: T): T => JSON.parse(JSON.stringify(tx)) as T;

/** Valid CREATEs and TRANSFERs, a forged signature, a wrong id, an impostor, a stranger's car, garbage. */
function mixedTransactions(): unknown[] {
  const fleet = buildFleet(company, 40, 2).flatMap((car) => car.transactions.map(fresh));
  const forged = fresh(new CarHistory(company).transfer()) as { inputs: { fulfillment: string }[] };
  const fulfillment = forged.inputs[0]!.fulfillment;
  forged.inputs[0]!.fulfillment = `${fulfillment.slice(0, -8)}${fulfillment.slice(-8) === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA'}`;
  const wrongId = { ...fresh(fleet[0] as object), id: 'f'.repeat(64) };
  return [
    ...fleet,
    forged,
    wrongId,
    fresh(impostorCreate(company)),
    fresh(unrelatedCreate()),
    { version: '2.0', inputs: 'nope' },
    'not even an object',
  ];
}

const inline = (raws: unknown[]): MaybeVerdict[] => raws.map((raw) => verdictOfRaw(fresh(raw), trusted));

test('primed prechecks on two threads equal the inline prechecks, transaction by transaction', async () => {
  const raws = mixedTransactions();
  const expected = inline(raws);
  expect(expected.filter((verdict) => verdict !== undefined && !verdict.ok)).toHaveLength(2); // the forged signature, the wrong id
  expect(expected.filter((verdict) => verdict === undefined)).toHaveLength(3); // a stranger's car and two non-transactions: nothing to check
  const pool = new VerificationPool(trusted, 2);
  try {
    pool.prime(raws);
    const results = await Promise.all(raws.map((raw) => pool.verdict(raw)));
    expect(results).toEqual(expected);
  } finally {
    await pool.close();
  }
});

test('a transaction that was never primed, and a pool without threads, are checked inline', async () => {
  const raws = mixedTransactions();
  const threaded = new VerificationPool(trusted, 1);
  const inlineOnly = new VerificationPool(trusted, 0);
  try {
    expect(await Promise.all(raws.map((raw) => threaded.verdict(raw)))).toEqual(inline(raws));
    inlineOnly.prime(raws);
    expect(await Promise.all(raws.map((raw) => inlineOnly.verdict(raw)))).toEqual(inline(raws));
  } finally {
    await threaded.close();
  }
});

test('threads stopped mid-work: every primed transaction still gets its (inline) answer, and the pool restarts threads', async () => {
  const raws = mixedTransactions();
  const pool = new VerificationPool(trusted, 2);
  pool.prime(raws);
  const answers = raws.map((raw) => pool.verdict(raw));
  await pool.close(); // terminates the threads while chunks are in flight
  expect(await Promise.all(answers)).toEqual(inline(raws));
  const again = mixedTransactions();
  pool.prime(again);
  try {
    expect(await Promise.all(again.map((raw) => pool.verdict(raw)))).toEqual(inline(again));
  } finally {
    await pool.close();
  }
});
