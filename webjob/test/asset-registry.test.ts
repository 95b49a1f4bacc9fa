// The asset registry against the local ledger node: what it remembers decides which TRANSFERs are
// delivered and what they are checked against, and a car it has forgotten (the LRU is smaller than
// the fleet) must be judged exactly as if it had been remembered, from the ledger.
import { startLedgerNode, type LedgerNode } from '../../devstack/src/ledger';
import { AssetRegistry } from '../src/classifier/asset-registry';
import { judgeCreate } from '../src/classifier/create-judgement';
import { LedgerClient } from '../src/ledger/ledger-client';
import { silentLogger } from '../src/ops/logger';
import { outputKey, parseLedgerTransaction, type LedgerTransaction } from '../src/ledger/ledger-transaction';
import { CarHistory, impostorCreate, newKeyPair } from './support/car-scenarios';
import { commit, commitFleet } from './support/stack';

const company = newKeyPair();
const trusted = new Set([company.publicKey]);
let ledger: LedgerNode;
let client: LedgerClient;
const carA = new CarHistory(company);
const carB = new CarHistory(company);
const impostor = impostorCreate(company);
const asTx = (tx: unknown): LedgerTransaction => {
  const parsed = parseLedgerTransaction(JSON.parse(JSON.stringify(tx)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

beforeAll(async () => {
  ledger = await startLedgerNode({ httpPort: 0, wsPort: 0, blockIntervalMs: 20 });
  client = new LedgerClient({
    apiUrl: ledger.apiUrl,
    requestTimeoutMs: 2_000,
    retry: { baseMs: 10, maxMs: 50 },
    logger: silentLogger,
  });
  carA.transfer();
  carA.transfer();
  carB.transfer();
  await commitFleet(ledger, [carA, carB]);
  await commit(ledger, impostor);
});
afterAll(() => ledger.stop());

const registryOf = (capacity: number): AssetRegistry =>
  new AssetRegistry(client, trusted, silentLogger, capacity, 1_000);

test('a car never seen is read from the ledger and judged as its CREATE would have been', async () => {
  const registry = registryOf(10);
  const [create] = carA.transactions.map(asTx) as [LedgerTransaction];
  const fromLedger = await registry.lookup(carA.assetId);
  const fromCreate = judgeCreate(create, trusted).asset;
  expect(fromLedger).toMatchObject(fromCreate);
  expect(fromLedger).toMatchObject({
    tracked: true,
    issuer: company.publicKey,
    vehicle: create.asset && 'data' in create.asset ? create.asset.data : undefined,
  });
  // an impostor-signed CREATE naming the company: untracked, read once and remembered
  expect(await registry.lookup(impostor.id)).toEqual({ tracked: false, reason: 'untracked-asset' });
});

test('spent conditions come from the remembered latest transaction, or from the ledger once forgotten', async () => {
  const [create, lease, back] = carA.transactions.map(asTx) as [
    LedgerTransaction,
    LedgerTransaction,
    LedgerTransaction,
  ];
  const remembered = registryOf(10);
  remembered.remember(create.id, judgeCreate(create, trusted).asset);
  remembered.rememberOutputs(create.id, create);
  expect(await remembered.spentConditions(create.id, lease)).toEqual(
    new Map([[outputKey(create.id, 0), create.outputs[0]!.condition.uri]]),
  );
  remembered.rememberOutputs(create.id, lease);
  expect(await remembered.spentConditions(create.id, back)).toEqual(
    new Map([[outputKey(lease.id, 0), lease.outputs[0]!.condition.uri]]),
  );

  // capacity 1: car B pushes car A out; A's next TRANSFER is checked against the ledger's copy of what it spends
  const forgetful = registryOf(1);
  forgetful.remember(create.id, judgeCreate(create, trusted).asset);
  forgetful.rememberOutputs(create.id, lease);
  await forgetful.lookup(carB.assetId);
  expect(await forgetful.spentConditions(create.id, back)).toEqual(
    new Map([[outputKey(lease.id, 0), lease.outputs[0]!.condition.uri]]),
  );
  expect(await forgetful.lookup(create.id)).toMatchObject({ tracked: true, issuer: company.publicKey });
});

test('outputs of an untracked asset are not remembered; a TRANSFER of it reads what it spends', async () => {
  const registry = registryOf(10);
  const [create, lease] = carA.transactions.map(asTx) as [LedgerTransaction, LedgerTransaction];
  registry.remember(create.id, { tracked: false, reason: 'untrusted-issuer' });
  registry.rememberOutputs(create.id, create);
  expect(await registry.lookup(create.id)).toEqual({ tracked: false, reason: 'untrusted-issuer' });
  expect(await registry.spentConditions(create.id, lease)).toEqual(
    new Map([[outputKey(create.id, 0), create.outputs[0]!.condition.uri]]),
  );
});
