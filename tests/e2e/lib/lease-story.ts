// Writes a car-leasing story to the ledger for a test, through the same builders the demo uses
// (bigchaindb-driver): cars registered by the leasing company, leases started and ended. Remembers
// every transaction it committed, and each driver's profile as registered with the insurer.
import { randomInt } from 'node:crypto';
import { Ed25519Keypair } from 'bigchaindb-driver';
import type { DriverProfile, VehicleAsset } from '@lease-premium/events';
import type { BackOfficeClient } from '../../../devstack/src/demo/back-office-client';
import { shiftDate } from '../../../devstack/src/demo/dates';
import { buildFleet } from '../../../devstack/src/demo/fleet';
import {
  buildOwnershipTransfer,
  buildVehicleCreate,
  leaseMetadata,
  type LeaseLedger,
  type LeaseTerms,
  type SignedTransaction,
} from '../../../devstack/src/demo/lease-ledger';
import type { KeyPair } from '../../../devstack/src/stack/local-config';

export interface Car {
  asset: VehicleAsset;
  assetId: string;
  lastTx: SignedTransaction;
  holder: KeyPair | undefined;
  lease: LeaseTerms | undefined;
  leases: number;
}

export interface LeaseStart {
  car: Car;
  driver: KeyPair;
  tx: SignedTransaction;
  terms: LeaseTerms;
}

export class LeaseStory {
  readonly cars: Car[] = [];
  readonly transactions: SignedTransaction[] = [];
  readonly leaseStarts: LeaseStart[] = [];
  readonly profiles = new Map<string, DriverProfile>();

  constructor(
    private readonly ledger: LeaseLedger,
    private readonly api: BackOfficeClient,
    readonly company: KeyPair,
    /** First day of every lease the story writes (fixed, so expected premiums are deterministic). */
    readonly leaseStartDate: string,
  ) {}

  newDriverKey(): KeyPair {
    const key = new Ed25519Keypair();
    return { publicKey: key.publicKey, privateKey: key.privateKey };
  }

  async registerDriver(profile: DriverProfile): Promise<KeyPair> {
    const key = this.newDriverKey();
    await this.api.putDriver(key.publicKey, profile);
    this.profiles.set(key.publicKey, profile);
    return key;
  }

  async registerCars(count: number): Promise<Car[]> {
    const fleet = buildFleet(count, {
      currency: 'USD',
      modelYear: 2025,
      serialBase: randomInt(100_000, 900_000 - count),
    });
    const added: Car[] = [];
    for (const { asset } of fleet) {
      const tx = buildVehicleCreate(asset, this.company);
      await this.ledger.commit(tx);
      this.transactions.push(tx);
      const car: Car = { asset, assetId: tx.id, lastTx: tx, holder: undefined, lease: undefined, leases: 0 };
      this.cars.push(car);
      added.push(car);
    }
    return added;
  }

  async startLease(car: Car, driver: KeyPair, overrides: Partial<LeaseTerms> = {}): Promise<LeaseStart> {
    if (car.holder) throw new Error(`car ${car.assetId} is leased already`);
    car.leases += 1;
    const terms: LeaseTerms = {
      leaseId: `E2E-${car.assetId.slice(0, 6)}-${car.leases}`,
      startDate: this.leaseStartDate,
      endDate: shiftDate(this.leaseStartDate, { months: 24 }),
      annualMileageKm: 15_000,
      usage: 'commute',
      ...overrides,
    };
    const tx = buildOwnershipTransfer(
      car.lastTx,
      car.assetId,
      this.company,
      [driver.publicKey],
      leaseMetadata('lease-start', terms),
    );
    await this.ledger.commit(tx);
    this.transactions.push(tx);
    Object.assign(car, { lastTx: tx, holder: driver, lease: terms });
    const start = { car, driver, tx, terms };
    this.leaseStarts.push(start);
    return start;
  }

  async endLease(car: Car): Promise<SignedTransaction> {
    if (!car.holder || !car.lease) throw new Error(`car ${car.assetId} is not leased`);
    const tx = buildOwnershipTransfer(
      car.lastTx,
      car.assetId,
      car.holder,
      [this.company.publicKey],
      leaseMetadata('lease-end', car.lease),
    );
    await this.ledger.commit(tx);
    this.transactions.push(tx);
    Object.assign(car, { lastTx: tx, holder: undefined, lease: undefined });
    return tx;
  }

  /** Starts or ends a lease on each car in turn (`rounds` transfers per car), drivers round-robin. */
  async churn(drivers: readonly KeyPair[], rounds: number): Promise<void> {
    let next = 0;
    for (let round = 0; round < rounds; round++) {
      for (const car of this.cars) {
        if (car.holder) await this.endLease(car);
        else await this.startLease(car, drivers[next++ % drivers.length]!);
      }
    }
  }
}
