// The ledger data of a benchmark, built and signed before anything is timed: a fleet of cars issued
// by the leasing company (CREATE), drivers with insurer profiles, and chains of lease hand-overs
// (TRANSFER current holder -> next lessee, lease@1 "lease-start" metadata, so every transfer is a
// premium to rate). Each run starts an empty ledger, so the same signed data is valid in every run.
import { Ed25519Keypair } from 'bigchaindb-driver';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { LEASE_SCHEMA_TAG, type DriverProfile, type LeaseMetadata } from '@lease-premium/events';
import { isoDate, shiftDate } from '../../demo/dates';
import { PERSONAS, personaProfile } from '../../demo/drivers';
import { buildFleet } from '../../demo/fleet';
import type { KeyPair } from '../../stack/local-config';

export interface PreparedTx {
  id: string;
  /** The signed transaction as the HTTP body. */
  body: string;
}

export interface BenchDriver {
  keys: KeyPair;
  profile: DriverProfile;
}

export interface LedgerWorkload {
  drivers: BenchDriver[];
  creates: PreparedTx[];
  /**
   * Transfers in round-major order: index r * fleet + c is car c's r-th hand-over, which spends the
   * output of index (r - 1) * fleet + c (or of car c's CREATE in round 0).
   */
  transfers: PreparedTx[];
  fleet: number;
}

/** Index of the transaction whose output `transfers[index]` spends, or -1 for the car's CREATE. */
export function predecessorOf(index: number, fleet: number): number {
  return index - fleet;
}

export function buildWorkload(
  company: KeyPair,
  options: { fleet: number; drivers: number; transfers: number; currency: string; today?: Date },
): LedgerWorkload {
  const today = isoDate(options.today ?? new Date());
  const outputs = new Map<string, bigchaindb.Output>();
  const outputFor = (publicKey: string): bigchaindb.Output => {
    let output = outputs.get(publicKey);
    if (!output) {
      const details = bigchaindb.conditionDetailsFor([publicKey]);
      output = {
        public_keys: [publicKey],
        condition: { details, uri: bigchaindb.conditionFromDetails(details).serializeUri() },
        amount: '1',
      };
      outputs.set(publicKey, output);
    }
    return output;
  };
  const drivers: BenchDriver[] = Array.from({ length: options.drivers }, (_, i) => {
    const keys = new Ed25519Keypair();
    return {
      keys: { publicKey: keys.publicKey, privateKey: keys.privateKey },
      profile: personaProfile(PERSONAS[i % PERSONAS.length] as (typeof PERSONAS)[number], today),
    };
  });

  // A serial range of its own keeps VINs (and so CREATE ids) apart from the demo's cars.
  const fleet = buildFleet(options.fleet, {
    currency: options.currency,
    modelYear: Number(today.slice(0, 4)) - 1,
    serialBase: 500_000,
  });
  const creates: bigchaindb.Transaction[] = fleet.map((car) =>
    bigchaindb.signTransaction(
      {
        inputs: [{ owners_before: [company.publicKey], fulfills: null, fulfillment: null }],
        outputs: [outputFor(company.publicKey)],
        operation: 'CREATE',
        metadata: null,
        asset: { data: { ...car.asset } },
        version: '2.0',
      },
      [company.privateKey],
    ),
  );

  const holders: KeyPair[] = fleet.map(() => company);
  const previous: string[] = creates.map((tx) => tx.id as string);
  const transfers: PreparedTx[] = [];
  const endDate = shiftDate(today, { months: 36 });
  for (let index = 0; index < options.transfers; index++) {
    const car = index % options.fleet;
    const round = Math.floor(index / options.fleet);
    const assetId = creates[car]?.id as string;
    const holder = holders[car] as KeyPair;
    // A different lessee each round (never the current holder: a hand-over changes the driver).
    const lessee = (drivers[(car * 7 + round * 13 + 1) % drivers.length] as BenchDriver).keys;
    const next =
      lessee.publicKey === holder.publicKey
        ? (drivers[(car * 7 + round * 13 + 2) % drivers.length] as BenchDriver).keys
        : lessee;
    const lease: LeaseMetadata = {
      schema: LEASE_SCHEMA_TAG,
      action: 'lease-start',
      leaseId: `BENCH-${car}-${round}`,
      startDate: today,
      endDate,
      annualMileageKm: 15_000,
      usage: 'commute',
    };
    const tx = bigchaindb.signTransaction(
      {
        inputs: [
          {
            owners_before: [holder.publicKey],
            fulfills: { transaction_id: previous[car] as string, output_index: 0 },
            fulfillment: null,
          },
        ],
        outputs: [outputFor(next.publicKey)],
        operation: 'TRANSFER',
        metadata: { ...lease },
        asset: { id: assetId },
        version: '2.0',
      },
      [holder.privateKey],
      () => outputFor(holder.publicKey),
    );
    transfers.push({ id: tx.id as string, body: JSON.stringify(tx) });
    previous[car] = tx.id as string;
    holders[car] = next;
  }
  return {
    drivers,
    creates: creates.map((tx) => ({ id: tx.id as string, body: JSON.stringify(tx) })),
    transfers,
    fleet: options.fleet,
  };
}
