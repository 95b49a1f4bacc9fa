// Valid documents built from real data: the VINs are real, published VINs whose check digits the
// vin module confirms; ids and keys are those of the BigchainDB 2.2.2 documentation transactions
// (bigchaindb/test/fixtures/vectors, see its SOURCES.md: CREATE 4957744b..., TRANSFER 79ef6803...).
import {
  type DriverProfile,
  EVENT_DATA_SCHEMA,
  LEASE_SCHEMA_TAG,
  type LeaseMetadata,
  OWNERSHIP_CHANGED_TYPE,
  type OwnershipEvent,
  VEHICLE_REGISTERED_TYPE,
  VEHICLE_SCHEMA_TAG,
  type VehicleAsset,
} from '../src';

export const CREATE_TX_ID = '4957744b3ac54434b8270f2c854cc1040228c82ea4e72d66d2887a4d3e30b317';
export const TRANSFER_TX_ID = '79ef6803210c941903d63d08b40fa17f0a5a04f11ac0ff04451553a187d97a30';
export const ISSUER_KEY = '4K9sWUMFwTgaDGPfdynrbxWqWS6sWmKbZoTjxLtVUibD';
export const LESSEE_KEY = '3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9';

/** A 2003 Honda Accord: 1HGCM82633A004352 is a widely published valid VIN (check digit 3). */
export function vehicle(): VehicleAsset {
  return {
    schema: VEHICLE_SCHEMA_TAG,
    vin: '1HGCM82633A004352',
    make: 'Honda',
    model: 'Accord',
    modelYear: 2003,
    bodyType: 'sedan',
    valueMinor: 2_199_000,
    currency: 'USD',
    ratingClass: 'standard',
  };
}

export function lease(): LeaseMetadata {
  return {
    schema: LEASE_SCHEMA_TAG,
    action: 'lease-start',
    leaseId: 'LC-2025-000417',
    startDate: '2025-03-01',
    endDate: '2028-03-01',
    annualMileageKm: 15_000,
    usage: 'commute',
  };
}

/** The TRANSFER that hands the car from the leasing company to a lessee. */
export function transferEvent(): OwnershipEvent {
  return {
    specversion: '1.0',
    id: TRANSFER_TX_ID,
    source: 'bigchaindb://lease-network',
    type: OWNERSHIP_CHANGED_TYPE,
    subject: CREATE_TX_ID,
    time: '2025-03-01T09:14:07Z',
    datacontenttype: 'application/json',
    dataschema: EVENT_DATA_SCHEMA,
    data: {
      ledger: {
        transactionId: TRANSFER_TX_ID,
        assetId: CREATE_TX_ID,
        blockHeight: 2,
        indexInBlock: 0,
        operation: 'TRANSFER',
        spends: [{ transactionId: CREATE_TX_ID, outputIndex: 0 }],
      },
      vehicle: vehicle(),
      previousOwners: [ISSUER_KEY],
      newOwners: [LESSEE_KEY],
      issuer: ISSUER_KEY,
      lease: lease(),
      signaturesVerified: true,
      observedAt: '2025-03-01T09:14:08.412Z',
    },
  };
}

/** The CREATE that registers the car. */
export function createEvent(): OwnershipEvent {
  const event = transferEvent();
  return {
    ...event,
    id: CREATE_TX_ID,
    type: VEHICLE_REGISTERED_TYPE,
    time: '2025-02-20T16:02:41Z',
    data: {
      ...event.data,
      ledger: {
        transactionId: CREATE_TX_ID,
        assetId: CREATE_TX_ID,
        blockHeight: 1,
        indexInBlock: 0,
        operation: 'CREATE',
        spends: [],
      },
      previousOwners: [ISSUER_KEY],
      newOwners: [ISSUER_KEY],
      lease: null,
      observedAt: '2025-02-20T16:02:42Z',
    },
  };
}

export function driverProfile(): DriverProfile {
  return {
    dateOfBirth: '1988-06-14',
    licensedSince: '2006-09-01',
    territory: 'US-CA-URBAN',
    priorInsurance: { periods: [{ from: '2010-01-01', to: '2019-12-31' }, { from: '2020-01-01' }] },
    claims: [{ date: '2021-11-03', atFault: true, amountMinor: 412_500, currency: 'USD' }],
    violations: [{ date: '2023-04-18', points: 3, code: 'SPEEDING' }],
  };
}

/** Deep copy as plain JSON, for tests that break one field. */
export function json<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
