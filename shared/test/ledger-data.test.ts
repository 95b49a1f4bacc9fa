// The on-ledger data contract: vehicle@1 asset data and lease@1 metadata, and the three-way
// classification ours / not car-lease / malformed.
import {
  classifyLeaseMetadata,
  classifyVehicleAsset,
  formatIssues,
  LeaseMetadata,
  parseWith,
  VehicleAsset,
} from '../src';
import { json, lease, vehicle } from './fixtures';

type Mutation = (doc: Record<string, unknown>) => void;
const set =
  (field: string, value: unknown): Mutation =>
  (doc) => {
    doc[field] = value;
  };
const remove =
  (field: string): Mutation =>
  (doc) => {
    delete doc[field];
  };

function vehicleWith(mutation: Mutation): Record<string, unknown> {
  const doc = json(vehicle());
  mutation(doc);
  return doc;
}
function leaseWith(mutation: Mutation): Record<string, unknown> {
  const doc = json(lease());
  mutation(doc);
  return doc;
}

describe('vehicle@1 asset data', () => {
  it('accepts the fixture and keeps extra fields the leasing company adds', () => {
    expect(classifyVehicleAsset(vehicle())).toEqual({ kind: 'vehicle', vehicle: vehicle() });
    const extended = { ...vehicle(), colour: 'blue', fleetNumber: 17 };
    expect(classifyVehicleAsset(extended)).toEqual({ kind: 'vehicle', vehicle: extended });
  });

  it.each([
    ['a wrong check digit', set('vin', '1HGCM82643A004352'), 'vin: check digit (position 9) must be 3'],
    ['an I in the VIN', set('vin', 'IHGCM82633A004352'), 'vin: must use only A-Z and 0-9, without I, O or Q'],
    ['an O in the VIN', set('vin', '1HGCM82633AO04352'), 'vin: must use only A-Z and 0-9, without I, O or Q'],
    ['a Q in the VIN', set('vin', '1HGCM8263QA004352'), 'vin: must use only A-Z and 0-9, without I, O or Q'],
    ['a lower-case VIN', set('vin', '1hgcm82633a004352'), 'vin: must use only A-Z and 0-9, without I, O or Q'],
    [
      'a 16-character VIN',
      set('vin', '1HGCM82633A00435'),
      'vin: must be 17 characters; vin: must use only A-Z and 0-9, without I, O or Q',
    ],
    [
      'an 18-character VIN',
      set('vin', '1HGCM82633A0043521'),
      'vin: must be 17 characters; vin: must use only A-Z and 0-9, without I, O or Q',
    ],
    ['a numeric VIN', set('vin', 1111111), 'vin: Invalid input: expected string, received number'],
    ['a negative value', set('valueMinor', -100), 'valueMinor: Too small: expected number to be >0'],
    ['a zero value', set('valueMinor', 0), 'valueMinor: Too small: expected number to be >0'],
    ['a fractional value', set('valueMinor', 2199000.5), 'valueMinor: Invalid input: expected int, received number'],
    [
      'a value as a string',
      set('valueMinor', '2199000'),
      'valueMinor: Invalid input: expected number, received string',
    ],
    ['a currency that is not ISO 4217', set('currency', 'XYZ'), 'currency: must be an ISO 4217 code such as "EUR"'],
    ['a lower-case currency', set('currency', 'usd'), 'currency: must be an ISO 4217 code such as "EUR"'],
    ['a currency symbol', set('currency', '$'), 'currency: must be an ISO 4217 code such as "EUR"'],
    ['a model year before 1980', set('modelYear', 1979), 'modelYear: Too small: expected number to be >=1980'],
    ['an unknown body type', set('bodyType', 'tank'), 'bodyType: Invalid option'],
    ['an unknown rating class', set('ratingClass', 'exotic'), 'ratingClass: Invalid option'],
    ['an empty make', set('make', ''), 'make: Too small: expected string to have >=1 characters'],
    ['no VIN', remove('vin'), 'vin: is required'],
    ['no make', remove('make'), 'make: is required'],
    ['no currency', remove('currency'), 'currency: is required'],
    ['no rating class', remove('ratingClass'), 'ratingClass: is required'],
  ])('reports %s as malformed', (_label, mutation, expected) => {
    const result = classifyVehicleAsset(vehicleWith(mutation));
    expect(result.kind).toBe('malformed');
    if (result.kind === 'malformed') expect(formatIssues(result.issues)).toContain(expected);
  });

  it('reports every problem at once', () => {
    const result = classifyVehicleAsset(
      vehicleWith((doc) => Object.assign(doc, { vin: '1HGCM82643A004352', valueMinor: -1, currency: 'XYZ' })),
    );
    expect(result.kind === 'malformed' && result.issues.map((issue) => issue.path)).toEqual([
      'vin',
      'valueMinor',
      'currency',
    ]);
  });

  it.each([
    ['another schema tag', { ...vehicle(), schema: 'acme/boat@1' }],
    ['a future major version of ours', { ...vehicle(), schema: 'lease-premium/vehicle@2' }],
    ['the lease tag on an asset', { ...vehicle(), schema: 'lease-premium/lease@1' }],
    ['no schema tag', vehicleWith(remove('schema'))],
    ['a null schema tag', vehicleWith(set('schema', null))],
    ['null asset data', null],
    ['a string', 'hello bigchaindb'],
    ['an array', [vehicle()]],
    ['the BigchainDB docs asset', { msg: 'Hello BigchainDB!' }],
  ])('is not a car-lease asset: %s', (_label, data) => {
    expect(classifyVehicleAsset(data)).toEqual({ kind: 'not-car-lease' });
  });
});

describe('lease@1 metadata', () => {
  it('accepts the fixture, each action and each usage', () => {
    expect(classifyLeaseMetadata(lease())).toEqual({ kind: 'lease', lease: lease() });
    for (const action of ['lease-start', 'lease-end', 'transfer'])
      expect(classifyLeaseMetadata({ ...lease(), action }).kind).toBe('lease');
    for (const usage of ['pleasure', 'commute', 'business'])
      expect(classifyLeaseMetadata({ ...lease(), usage }).kind).toBe('lease');
  });

  it.each([
    ['an end equal to the start', set('endDate', '2025-03-01'), 'endDate: must be after startDate'],
    ['an end before the start', set('endDate', '2024-12-31'), 'endDate: must be after startDate'],
    ['February 29 in a common year', set('endDate', '2027-02-29'), 'endDate: Invalid ISO date'],
    ['April 31', set('startDate', '2025-04-31'), 'startDate: Invalid ISO date'],
    ['month 13', set('startDate', '2025-13-01'), 'startDate: Invalid ISO date'],
    ['a date-time instead of a date', set('startDate', '2025-03-01T00:00:00Z'), 'startDate: Invalid ISO date'],
    ['a European date', set('startDate', '01.03.2025'), 'startDate: Invalid ISO date'],
    [
      'a timestamp number',
      set('startDate', 1740787200000),
      'startDate: Invalid input: expected string, received number',
    ],
    ['a negative mileage', set('annualMileageKm', -1), 'annualMileageKm: Too small: expected number to be >=0'],
    [
      'a mileage as a string',
      set('annualMileageKm', '15000'),
      'annualMileageKm: Invalid input: expected number, received string',
    ],
    ['an unknown action', set('action', 'sublease'), 'action: Invalid option'],
    ['an unknown usage', set('usage', 'racing'), 'usage: Invalid option'],
    ['an empty lease id', set('leaseId', ''), 'leaseId: Too small: expected string to have >=1 characters'],
    ['no end date', remove('endDate'), 'endDate: is required'],
    ['no action', remove('action'), 'action: is required'],
    ['no usage', remove('usage'), 'usage: is required'],
  ])('reports %s as malformed', (_label, mutation, expected) => {
    const result = classifyLeaseMetadata(leaseWith(mutation));
    expect(result.kind).toBe('malformed');
    if (result.kind === 'malformed') expect(formatIssues(result.issues)).toContain(expected);
  });

  it('names the sibling by its path: standalone it is just startDate', () => {
    const parsed = parseWith(LeaseMetadata, { ...lease(), endDate: '2025-01-01' });
    expect(parsed).toEqual({ ok: false, issues: [{ path: 'endDate', message: 'must be after startDate' }] });
  });

  it('accepts a leap day in a leap year', () => {
    expect(classifyLeaseMetadata({ ...lease(), endDate: '2028-02-29' }).kind).toBe('lease');
  });

  it.each([
    ['null metadata', null],
    ['no schema tag', { sequence: 1 }],
    ['another schema tag', { ...lease(), schema: 'acme/invoice@1' }],
    ['a future major version', { ...lease(), schema: 'lease-premium/lease@2' }],
    ['the vehicle tag', { ...lease(), schema: 'lease-premium/vehicle@1' }],
    ['a number', 42],
  ])('is not car-lease metadata: %s', (_label, metadata) => {
    expect(classifyLeaseMetadata(metadata)).toEqual({ kind: 'not-car-lease' });
  });

  it('zod types and parse agree with classify', () => {
    expect(parseWith(VehicleAsset, vehicle())).toEqual({ ok: true, value: vehicle() });
  });
});
