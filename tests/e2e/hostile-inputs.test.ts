// Hostile but valid-looking ledger inputs on the whole stack: a lease TRANSFER with ~300 kB of open
// metadata, a car CREATE whose open asset data nests 1,000 levels deep, and a lease to a driver whose
// stored profile fails today's validation. Healthy cars posted after them get their premium within
// seconds, the checkpoint settles at the ledger tip, each hostile event has its own outcome (stored
// with the extras dropped, or rejected with its reason), and the Function App never answered 5xx.
// Prints the time until healthy traffic flowed again (the README's reliability table quotes it).
import { TableClient } from '@azure/data-tables';
import { Ed25519Keypair } from 'bigchaindb-driver';
import { MAX_CLAIMS, type LeaseMetadata, type VehicleAsset } from '@lease-premium/events';
import { PERSONAS, personaProfile } from '../../devstack/src/demo/drivers';
import { shiftDate } from '../../devstack/src/demo/dates';
import { buildFleet } from '../../devstack/src/demo/fleet';
import {
  buildOwnershipTransfer,
  buildVehicleCreate,
  leaseMetadata,
  type LeaseTerms,
  type SignedTransaction,
} from '../../devstack/src/demo/lease-ledger';
import { packJson } from '../../functions/src/storage/packed-json';
import { ownedRowKey, shardOf } from '../../functions/src/storage/shard-key';
import { tableNames } from '../../functions/src/storage/table-names';
import type { KeyPair } from '../../devstack/src/stack/local-config';
import { startTestStack, type TestStack } from '../support/stack';
import { LeaseStory } from './lib/lease-story';
import { metric } from './lib/webjob-metrics';

jest.setTimeout(180_000);

/** Healthy traffic must flow again within this long after a hostile event. */
const RECOVERY_BUDGET_MS = 15_000;

describe('hostile ledger inputs: each has its own outcome, healthy cars keep flowing', () => {
  let t: TestStack;
  let story: LeaseStory;
  let driver: KeyPair;
  let today: string;
  const recovery: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestStack();
    today = new Date().toISOString().slice(0, 10);
    story = new LeaseStory(t.ledger, t.api, t.stack.description.leasingCompany, shiftDate(today, { days: 7 }));
    driver = await story.registerDriver(personaProfile(PERSONAS[1]!, today));
  });
  afterAll(async () => {
    if (Object.keys(recovery).length > 0)
      process.stdout.write(`time until healthy traffic flowed again (ms): ${JSON.stringify(recovery)}\n`);
    await t?.stop();
  });

  const company = (): KeyPair => t.stack.description.leasingCompany;

  async function commitTransfer(
    previous: SignedTransaction,
    assetId: string,
    to: string,
    metadata: LeaseMetadata,
  ): Promise<SignedTransaction> {
    const tx = buildOwnershipTransfer(previous, assetId, company(), [to], metadata);
    await t.ledger.commit(tx);
    return tx;
  }

  function leaseTerms(): LeaseTerms {
    return {
      leaseId: `HOSTILE-${Math.random().toString(36).slice(2, 8)}`,
      startDate: story.leaseStartDate,
      endDate: shiftDate(story.leaseStartDate, { months: 24 }),
      annualMileageKm: 12_000,
      usage: 'commute',
    };
  }

  /** Registers and leases a healthy car now; resolves with the ms until its premium is served. */
  async function healthyCarFlows(): Promise<number> {
    const [car] = await story.registerCars(1);
    const started = Date.now();
    await story.startLease(car!, driver);
    const deadline = started + RECOVERY_BUDGET_MS;
    for (;;) {
      const premium = await t.api.currentPremium(car!.assetId);
      if (premium?.status === 'active') return Date.now() - started;
      if (Date.now() > deadline)
        throw new Error(
          `healthy car ${car!.assetId} got no premium within ${RECOVERY_BUDGET_MS} ms\n${await t.logTail()}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function premiumRecord(assetId: string, timeoutMs = RECOVERY_BUDGET_MS): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = (await t.api.premiumHistory(assetId)).find((r) => r.kind === 'premium');
      if (record) return record;
      if (Date.now() > deadline) throw new Error(`no premium record for ${assetId}\n${await t.logTail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function expectSettledWithout5xx(): Promise<void> {
    const metrics = t.stack.description.webjob.metricsUrl;
    const deadline = Date.now() + RECOVERY_BUDGET_MS;
    // Settled: nothing pending and the checkpoint at the highest height seen (the checkpoint gauge
    // follows the periodic flush, so all three are polled until they agree).
    const settled = async (): Promise<boolean> =>
      (await metric(metrics, 'webjob_pending_events')) === 0 &&
      (await metric(metrics, 'webjob_last_delivered_height')) === (await metric(metrics, 'webjob_last_seen_height'));
    while (!(await settled())) {
      if (Date.now() > deadline) throw new Error(`checkpoint did not settle at the tip\n${await t.logTail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await metric(metrics, 'webjob_delivery_requests_total', 'result="5')).toBe(0);
  }

  it('a lease TRANSFER with ~300 kB of open metadata is stored with the extras dropped and noted', async () => {
    const [car] = await story.registerCars(1);
    await commitTransfer(car!.lastTx, car!.assetId, driver.publicKey, {
      ...leaseMetadata('lease-start', leaseTerms()),
      notes: 'x'.repeat(300_000),
    });
    recovery['large lease metadata'] = await healthyCarFlows();
    const record = await premiumRecord(car!.assetId);
    expect(record).toMatchObject({ extrasDropped: { lease: { reason: 'too-large', bytes: expect.any(Number) } } });
    expect(record.lease).not.toHaveProperty('notes');
    await expectSettledWithout5xx();
  });

  it('a car CREATE whose open asset data nests 1,000 levels deep is registered and rated, the extras dropped', async () => {
    // (bigchaindb-driver itself cannot sign asset data nested 5,000 levels deep: its serializer
    // overflows the stack. The Function App's own test covers 20,000 levels.)
    let options: Record<string, unknown> = {};
    for (let i = 1; i < 1_000; i++) options = { next: options };
    const asset = {
      ...buildFleet(1, { currency: 'USD', modelYear: 2025, serialBase: 777_000 })[0]!.asset,
      options,
    } as VehicleAsset;
    const create = buildVehicleCreate(asset, company());
    await t.ledger.commit(create);
    await commitTransfer(create, create.id, driver.publicKey, leaseMetadata('lease-start', leaseTerms()));
    recovery['deeply nested vehicle extras'] = await healthyCarFlows();
    expect(await premiumRecord(create.id)).toMatchObject({ extrasDropped: { vehicle: { reason: 'too-deep' } } });
    await expectSettledWithout5xx();
  });

  it('a lease to a driver whose stored profile fails validation is rejected with its reason (dead letter), not a 5xx', async () => {
    const key = new Ed25519Keypair();
    const d = t.stack.description;
    const drivers = TableClient.fromConnectionString(
      d.storage.connectionString,
      tableNames(d.storage.namePrefix).drivers,
      {
        allowInsecureConnection: true,
      },
    );
    const profile = {
      ...personaProfile(PERSONAS[1]!, today),
      claims: Array.from({ length: MAX_CLAIMS + 1 }, (_, i) => ({
        date: shiftDate('2010-01-01', { days: i }),
        atFault: false,
        amountMinor: i,
      })),
    };
    await drivers.createEntity({
      partitionKey: shardOf(key.publicKey),
      rowKey: ownedRowKey(key.publicKey, 'profile'),
      revision: 1,
      updatedAt: new Date().toISOString(),
      ...packJson('profile', profile),
    });
    const flagged = (await t.api.request('GET', `/drivers/${key.publicKey}`)).json as { invalidStoredRecord?: unknown };
    expect(flagged.invalidStoredRecord).toBeDefined();

    const deadLettered = await metric(d.webjob.metricsUrl, 'webjob_events_dead_lettered_total');
    const [car] = await story.registerCars(1);
    await commitTransfer(car!.lastTx, car!.assetId, key.publicKey, leaseMetadata('lease-start', leaseTerms()));
    recovery['lease to a driver with an invalid stored profile'] = await healthyCarFlows();
    const deadline = Date.now() + RECOVERY_BUDGET_MS;
    while ((await metric(d.webjob.metricsUrl, 'webjob_events_dead_lettered_total')) <= deadLettered) {
      if (Date.now() > deadline) throw new Error(`the rejected event was not dead-lettered\n${await t.logTail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await t.api.currentPremium(car!.assetId)).toMatchObject({ status: 'registered' });
    await expectSettledWithout5xx();
  });
});
