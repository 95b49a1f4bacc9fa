// The full path on the whole stack: the demo scenario is written to the ledger (bigchaindb-driver)
// and the back-office API; the WebJob carries every ownership change to the Function App, which
// rates and stores it. Then, from the outside: every stored premium equals what the rating engine
// gives for the same inputs (taken from the ledger and the registered profiles, not from storage),
// every breakdown names the driver facts behind it, and the stores agree with the ledger.
import { Writable } from 'node:stream';
import { LeaseMetadata, VehicleAsset, type DriverProfile } from '@lease-premium/events';
import {
  builtInRateTableSet,
  rate,
  type DriverFacts,
  type RatingRequest,
  type RatingResult,
  type UnknownDriver,
} from '../../functions/src/rating';
import { shiftDate } from '../../devstack/src/demo/dates';
import { PERSONAS, personaProfile } from '../../devstack/src/demo/drivers';
import { runLoad } from '../../devstack/src/demo/load';
import { runDemo } from '../../devstack/src/demo/run-demo';
import { SCENARIO } from '../../devstack/src/demo/scenario';
import { startTestStack, type TestStack } from '../support/stack';
import { ledgerChain, waitForConsistency } from './lib/invariants';
import { LeaseStory } from './lib/lease-story';

jest.setTimeout(180_000);

const TABLES = builtInRateTableSet('us-illustrative');

function facts(driverKey: string, profile: DriverProfile): DriverFacts {
  return {
    driverKey,
    dateOfBirth: profile.dateOfBirth,
    licensedSince: profile.licensedSince,
    territory: profile.territory,
    ...(profile.priorInsurance
      ? {
          priorInsurance: {
            periods: profile.priorInsurance.periods.map((p) => ({ from: p.from, ...(p.to ? { to: p.to } : {}) })),
          },
        }
      : {}),
    claims: profile.claims.map(({ date, atFault, amountMinor }) => ({ date, atFault, amountMinor })),
    violations: profile.violations.map(({ date, points, code }) => ({ date, points, code })),
  };
}

function expectedRating(
  vehicle: VehicleAsset,
  lease: LeaseMetadata,
  transferDate: string,
  drivers: Array<DriverFacts | UnknownDriver>,
): RatingResult {
  const request: RatingRequest = {
    transferDate,
    vehicle: {
      vin: vehicle.vin,
      make: vehicle.make,
      model: vehicle.model,
      modelYear: vehicle.modelYear,
      valueMinor: vehicle.valueMinor,
      currency: vehicle.currency,
      ratingClass: vehicle.ratingClass,
      bodyType: vehicle.bodyType,
    },
    lease: {
      startDate: lease.startDate,
      endDate: lease.endDate,
      annualMileageKm: lease.annualMileageKm,
      usage: lease.usage,
    },
    drivers,
  };
  return rate(request, TABLES);
}

/** The stored record's rating, in the engine's terms, for comparison. */
function storedRating(record: Record<string, unknown>) {
  return {
    annualPremiumMinor: record.annualPremiumMinor,
    leaseTotalMinor: record.leaseTotalMinor,
    currency: record.currency,
    tableVersion: record.tableVersion,
    ratedDriverKey: record.ratedDriverKey,
    terms: record.terms,
    breakdown: record.breakdown,
  };
}

function engineRating(result: RatingResult) {
  const { annualPremiumMinor, leaseTotalMinor, currency, tableVersion, ratedDriverKey, terms, breakdown } = result;
  return { annualPremiumMinor, leaseTotalMinor, currency, tableVersion, ratedDriverKey, terms, breakdown };
}

describe('full path: ledger → WebJob → Function App → Table Storage → back-office API', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the demo scenario: every stored premium equals the rating engine on the same inputs, and names its driver facts', async () => {
    let printed = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        printed += chunk.toString();
        callback();
      },
    });
    const progress = await runDemo({
      stack: t.stack.description,
      progressDir: undefined,
      signal: new AbortController().signal,
      out,
      premiumTimeoutMs: 60_000,
    });
    expect(progress.finishedAt).not.toBeNull();
    // The live table printed a row per lease start, return and re-rate.
    const rows = SCENARIO.filter((s) => s.kind === 'lease-start' || s.kind === 'lease-end').length + 1;
    expect(
      printed.split('\n').filter((line) => /lease start|returned|at-fault claim/.test(line) && /USD|—/.test(line)),
    ).toHaveLength(rows);

    const assetIds = progress.cars.map((car) => car.assetId!);
    const report = await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds, 30_000, () =>
      t.logTail(),
    );

    const nameOf = new Map(Object.entries(progress.drivers).map(([name, key]) => [key.publicKey, name]));
    const claimStep = SCENARIO.find((s) => s.kind === 'report-claim')!;
    const profileOf = (key: string, afterClaim: boolean): DriverProfile => {
      const name = nameOf.get(key)!;
      const profile = personaProfile(
        PERSONAS.find((p) => p.name === name)!,
        progress.today,
      );
      if (afterClaim && claimStep.kind === 'report-claim' && claimStep.driver === name)
        return { ...profile, claims: [...profile.claims, claimStep.claim(progress.today)] };
      return profile;
    };

    let premiumRecords = 0;
    let rerateRecords = 0;
    for (const assetId of assetIds) {
      const chain = report.chains.get(assetId)!;
      const vehicle = VehicleAsset.parse((chain[0] as unknown as { asset: { data: unknown } }).asset.data);
      for (const record of report.histories.get(assetId)!) {
        if (record.kind !== 'premium' && record.kind !== 're-rate') continue;
        const tx = chain.find((c) => c.id === record.transactionId)!;
        const lease = LeaseMetadata.parse(tx.metadata);
        // New business from the day the lessee takes the car: the lease starts the day the demo runs.
        expect(record.transferDate).toBe(lease.startDate);
        const driverKeys = record.driverKeys as string[];
        const drivers = driverKeys.map((key) => facts(key, profileOf(key, record.kind === 're-rate')));
        expect(storedRating(record)).toEqual(engineRating(expectedRating(vehicle, lease, lease.startDate, drivers)));

        // The breakdown names the driver facts that produced it.
        const driverFacts = (record.breakdown as Array<{ source: { driverFact?: string } }>)
          .map((line) => line.source.driverFact)
          .filter((f): f is string => f !== undefined);
        const profile = profileOf(driverKeys[0]!, record.kind === 're-rate');
        expect(driverFacts.join(' | ')).toMatch(/dateOfBirth → age \d+/);
        expect(driverFacts.join(' | ')).toMatch(/licensedSince/);
        expect(driverFacts.join(' | ')).toMatch(/territory/);
        for (const claim of profile.claims.filter(
          (c) => c.atFault && c.date >= shiftDate(lease.startDate, { years: -5 }),
        ))
          expect(driverFacts.join(' | ')).toContain(claim.date);
        if (record.kind === 're-rate') {
          rerateRecords++;
          expect(record.cause).toMatchObject({ driverKey: driverKeys[0], change: 'claim-added' });
        } else premiumRecords++;
      }
    }
    expect(premiumRecords).toBe(SCENARIO.filter((s) => s.kind === 'lease-start').length);
    expect(rerateRecords).toBe(1);
  });

  it('a lease to a key the insurer does not know is rated by the unknown-driver rule and queued for review', async () => {
    const story = new LeaseStory(
      t.ledger,
      t.api,
      t.stack.description.leasingCompany,
      shiftDate(new Date().toISOString().slice(0, 10), { days: 7 }),
    );
    const [car] = await story.registerCars(1);
    const stranger = story.newDriverKey();
    const { tx, terms } = await story.startLease(car!, stranger);
    const report = await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, [car!.assetId], 30_000, () =>
      t.logTail(),
    );
    const record = report.histories.get(car!.assetId)!.find((r) => r.transactionId === tx.id)!;
    expect(record.needsReview).toBe(true);
    const expected = expectedRating(
      car!.asset,
      LeaseMetadata.parse({ schema: 'lease-premium/lease@1', action: 'lease-start', ...terms }),
      terms.startDate,
      [{ driverKey: stranger.publicKey, unknown: true }],
    );
    expect(storedRating(record)).toEqual(engineRating(expected));
    const queue = await t.api.premiumsNeedingReview();
    expect(queue).toEqual(
      expect.arrayContaining([expect.objectContaining({ assetId: car!.assetId, transactionId: tx.id })]),
    );
    // The ledger holds exactly what the story wrote.
    expect((await ledgerChain(t.stack.description.ledger.apiUrl, car!.assetId)).map((c) => c.id)).toEqual(
      story.transactions.map((c) => c.id),
    );
  });

  it('demo:load drives transactions through the same path and waits for every premium record', async () => {
    const out = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const result = await runLoad(
      t.stack.description,
      { cars: 4, leases: 16, rate: 40, drivers: 3, settleTimeoutMs: 30_000 },
      out,
    );
    expect(result).toMatchObject({ transactions: 20, expectedRecords: 20, premiumRecords: 20 });
  });
});
