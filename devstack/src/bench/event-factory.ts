// Builds valid ownership-change CloudEvents and driver profiles for the benchmark and the tests:
// random ledger ids and keys in the ledger's formats, VINs with a correct check digit.
import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import {
  EVENT_DATA_SCHEMA,
  LEASE_SCHEMA_TAG,
  OWNERSHIP_CHANGED_TYPE,
  VEHICLE_REGISTERED_TYPE,
  VEHICLE_SCHEMA_TAG,
  vinCheckDigit,
  type DriverProfile,
  type LeaseMetadata,
  type OwnershipEvent,
  type VehicleAsset,
} from '@lease-premium/events';

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

export function randomLedgerId(): string {
  return randomBytes(32).toString('hex');
}

/** A public key in the ledger's format: 32 random bytes in base58 (not a point of the curve, but no receiver checks that). */
export function randomPublicKey(): string {
  return bs58.encode(randomBytes(32));
}

export function randomVin(): string {
  const chars = Array.from(randomBytes(17), (b) => VIN_CHARS[b % VIN_CHARS.length] as string);
  chars[8] = '0';
  const vin = chars.join('');
  return vin.slice(0, 8) + vinCheckDigit(vin) + vin.slice(9);
}

export function sampleVehicle(overrides: Partial<VehicleAsset> = {}): VehicleAsset {
  return {
    schema: VEHICLE_SCHEMA_TAG,
    vin: randomVin(),
    make: 'Volkswagen',
    model: 'Golf',
    modelYear: 2024,
    bodyType: 'hatchback',
    valueMinor: 3_250_000,
    currency: 'USD',
    ratingClass: 'standard',
    ...overrides,
  };
}

export function sampleLease(overrides: Partial<LeaseMetadata> = {}): LeaseMetadata {
  return {
    schema: LEASE_SCHEMA_TAG,
    action: 'lease-start',
    leaseId: `LC-${randomBytes(4).toString('hex')}`,
    startDate: '2026-01-01',
    endDate: '2029-01-01',
    annualMileageKm: 15_000,
    usage: 'commute',
    ...overrides,
  };
}

export function sampleProfile(overrides: Partial<DriverProfile> = {}): DriverProfile {
  return {
    dateOfBirth: '1985-04-12',
    licensedSince: '2004-06-01',
    territory: 'suburban',
    priorInsurance: { periods: [{ from: '2010-01-01' }] },
    claims: [],
    violations: [],
    ...overrides,
  };
}

export interface CarOnLedger {
  assetId: string;
  issuer: string;
  vehicle: VehicleAsset;
}

export function newCar(issuer: string = randomPublicKey()): CarOnLedger {
  return { assetId: randomLedgerId(), issuer, vehicle: sampleVehicle() };
}

interface Position {
  blockHeight: number;
  indexInBlock?: number;
  time?: string;
}

/** The CREATE that registers the car to its issuer. */
export function registeredEvent(car: CarOnLedger, at: Position): OwnershipEvent {
  const time = at.time ?? '2026-01-01T08:00:00Z';
  return {
    specversion: '1.0',
    id: car.assetId,
    source: 'bigchaindb://lease-network',
    type: VEHICLE_REGISTERED_TYPE,
    subject: car.assetId,
    time,
    datacontenttype: 'application/json',
    dataschema: EVENT_DATA_SCHEMA,
    data: {
      ledger: {
        transactionId: car.assetId,
        assetId: car.assetId,
        blockHeight: at.blockHeight,
        indexInBlock: at.indexInBlock ?? 0,
        operation: 'CREATE',
        spends: [],
      },
      vehicle: car.vehicle,
      previousOwners: [car.issuer],
      newOwners: [car.issuer],
      issuer: car.issuer,
      lease: null,
      signaturesVerified: true,
      observedAt: time,
    },
  };
}

/** A TRANSFER of the car from `from` to `to` (lease metadata optional). */
export function transferEvent(
  car: CarOnLedger,
  at: Position & { transactionId?: string; spends?: string },
  from: string[],
  to: string[],
  lease: LeaseMetadata | null,
): OwnershipEvent {
  const transactionId = at.transactionId ?? randomLedgerId();
  const time = at.time ?? '2026-01-01T09:00:00Z';
  return {
    specversion: '1.0',
    id: transactionId,
    source: 'bigchaindb://lease-network',
    type: OWNERSHIP_CHANGED_TYPE,
    subject: car.assetId,
    time,
    datacontenttype: 'application/json',
    dataschema: EVENT_DATA_SCHEMA,
    data: {
      ledger: {
        transactionId,
        assetId: car.assetId,
        blockHeight: at.blockHeight,
        indexInBlock: at.indexInBlock ?? 0,
        operation: 'TRANSFER',
        spends: [{ transactionId: at.spends ?? car.assetId, outputIndex: 0 }],
      },
      vehicle: car.vehicle,
      previousOwners: from,
      newOwners: to,
      issuer: car.issuer,
      lease,
      signaturesVerified: true,
      observedAt: time,
    },
  };
}

/** A lease start: issuer -> lessee(s). */
export function leaseStartEvent(
  car: CarOnLedger,
  at: Position & { transactionId?: string },
  lessees: string[],
  lease: LeaseMetadata = sampleLease(),
): OwnershipEvent {
  return transferEvent(car, at, [car.issuer], lessees, lease);
}

/** A lease end: lessee(s) -> issuer. */
export function leaseEndEvent(
  car: CarOnLedger,
  at: Position & { transactionId?: string; spends?: string },
  lessees: string[],
  lease: LeaseMetadata,
): OwnershipEvent {
  return transferEvent(car, at, lessees, [car.issuer], { ...lease, action: 'lease-end' });
}
