// Real, signed BigchainDB transactions of leased cars, built with bigchaindb-driver through the
// devstack demo's builders: valid vehicle@1 assets (computed VIN check digits), lease@1 metadata.
import { Ed25519Keypair, Transaction } from 'bigchaindb-driver';
import { VEHICLE_SCHEMA_TAG, type VehicleAsset } from '@lease-premium/events';
import {
  buildOwnershipTransfer,
  buildVehicleCreate,
  leaseMetadata,
  type SignedTransaction,
} from '../../../devstack/src/demo/lease-ledger';
import { buildVin } from '../../../devstack/src/demo/vin';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export function newKeyPair(): KeyPair {
  const key = new Ed25519Keypair();
  return { publicKey: key.publicKey, privateKey: key.privateKey };
}

let serialCounter = Math.floor(Math.random() * 400_000);

export function vehicleAsset(): VehicleAsset {
  serialCounter += 1;
  return {
    schema: VEHICLE_SCHEMA_TAG,
    vin: buildVin('1HGCV1F3', 2024, 'A', serialCounter),
    make: 'Honda',
    model: 'Accord',
    modelYear: 2024,
    bodyType: 'sedan',
    valueMinor: 2_899_000,
    currency: 'USD',
    ratingClass: 'standard',
  };
}

/** One car's ledger history: its CREATE, then TRANSFERs alternating company -> lessee -> company. */
export class CarHistory {
  readonly transactions: SignedTransaction[] = [];
  private owner: KeyPair;
  private leaseNo = 0;

  constructor(
    readonly company: KeyPair,
    vehicle: VehicleAsset = vehicleAsset(),
  ) {
    this.transactions.push(buildVehicleCreate(vehicle, company));
    this.owner = company;
  }

  get assetId(): string {
    return this.transactions[0]!.id;
  }

  /** Appends the next ownership change and returns it. */
  transfer(): SignedTransaction {
    const toLessee = this.owner.publicKey === this.company.publicKey;
    const next = toLessee ? newKeyPair() : this.company;
    if (toLessee) this.leaseNo += 1;
    const previous = this.transactions[this.transactions.length - 1]!;
    const tx = buildOwnershipTransfer(
      previous,
      this.assetId,
      this.owner,
      [next.publicKey],
      leaseMetadata(toLessee ? 'lease-start' : 'lease-end', {
        leaseId: `LC-${this.assetId.slice(0, 8)}-${this.leaseNo}`,
        startDate: '2026-01-01',
        endDate: '2029-01-01',
        annualMileageKm: 15_000,
        usage: 'commute',
      }),
    );
    this.transactions.push(tx);
    this.owner = next;
    return tx;
  }
}

/** `cars` histories of 1 CREATE + `transfers` TRANSFERs each. */
export function buildFleet(company: KeyPair, cars: number, transfers: number): CarHistory[] {
  return Array.from({ length: cars }, () => {
    const car = new CarHistory(company);
    for (let i = 0; i < transfers; i++) car.transfer();
    return car;
  });
}

/** Rounds that can be committed in order: round r holds every car's r-th transaction. */
export function rounds(cars: CarHistory[]): SignedTransaction[][] {
  const depth = Math.max(...cars.map((c) => c.transactions.length));
  return Array.from({ length: depth }, (_, r) => cars.flatMap((c) => (c.transactions[r] ? [c.transactions[r]] : [])));
}

/** A CREATE of someone else's (non-car) asset: the bridge must skip it. */
export function unrelatedCreate(owner: KeyPair = newKeyPair()): SignedTransaction {
  const unsigned = Transaction.makeCreateTransaction(
    { kind: 'artwork', title: 'Untitled' },
    { note: 'not a car' },
    [Transaction.makeOutput(Transaction.makeEd25519Condition(owner.publicKey))],
    owner.publicKey,
  );
  return Transaction.signTransaction(unsigned, owner.privateKey);
}

/**
 * A car CREATE that names the leasing company in owners_before but is signed by an impostor:
 * the real BigchainDB accepts it (it does not compare the fulfillment key with owners_before).
 */
export function impostorCreate(company: KeyPair, impostor: KeyPair = newKeyPair()): SignedTransaction {
  const unsigned = Transaction.makeCreateTransaction(
    { ...vehicleAsset() },
    null as never,
    [Transaction.makeOutput(Transaction.makeEd25519Condition(company.publicKey))],
    company.publicKey,
  );
  // The driver signs each input with the given key whatever owners_before says.
  return Transaction.signTransaction(unsigned, impostor.privateKey);
}
