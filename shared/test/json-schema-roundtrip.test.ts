// The exported JSON Schemas, judged by an independent validator (Ajv, draft 2020-12, with
// ajv-formats), must give the same verdicts as the zod validators. Where they cannot (rules JSON
// Schema does not express: see src/json-schema.ts), zod refuses and JSON Schema accepts, never the
// other way round.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { type z } from 'zod';
import { jsonSchemas, PUBLIC_SCHEMAS, type PublicSchemaName } from '../src';
import { createEvent, driverProfile, lease, transferEvent, vehicle } from './fixtures';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const schemas = jsonSchemas();
const ajvValidators = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv.compile(schema)]));

function verdicts(name: PublicSchemaName, value: unknown): { zod: boolean; jsonSchema: boolean } {
  const zodSchema: z.ZodType = PUBLIC_SCHEMAS[name].schema;
  const validate = ajvValidators[name];
  if (validate === undefined) throw new Error(`no JSON Schema for ${name}`);
  return { zod: zodSchema.safeParse(value).success, jsonSchema: validate(value) };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at nested JSON
function mutated<T>(value: T, mutation: (copy: Json) => void): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  mutation(copy);
  return copy;
}

const VALID: Array<[PublicSchemaName, string, unknown]> = [
  ['VehicleAsset', 'the fixture', vehicle()],
  ['VehicleAsset', 'with extra fields', { ...vehicle(), colour: 'blue' }],
  ['VehicleAsset', 'a VIN with check digit X', { ...vehicle(), vin: '1M8GDM9AXKP042788' }],
  ['LeaseMetadata', 'the fixture', lease()],
  ['LeaseMetadata', 'ending on a leap day', { ...lease(), endDate: '2028-02-29' }],
  ['LedgerPosition', 'of the transfer', transferEvent().data.ledger],
  ['OwnershipEventData', 'of the transfer', transferEvent().data],
  ['OwnershipEvent', 'a TRANSFER', transferEvent()],
  ['OwnershipEvent', 'a CREATE', createEvent()],
  [
    'OwnershipEvent',
    'a replay with an offset time',
    { ...transferEvent(), replay: true, time: '2025-03-01T10:14:07+01:00' },
  ],
  [
    'OwnershipEvent',
    'with a tracing extension',
    { ...transferEvent(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  ],
  ['OwnershipEventBatch', 'of two', [createEvent(), transferEvent()]],
  ['DriverProfile', 'the fixture', driverProfile()],
  ['PriorInsurancePeriod', 'ongoing', { from: '2020-01-01' }],
  ['Claim', 'without currency', { date: '2024-01-05', atFault: false, amountMinor: 0 }],
  ['Violation', 'a DUI', { date: '2024-01-05', points: 6, code: 'DUI' }],
];

const STRUCTURALLY_INVALID: Array<[PublicSchemaName, string, unknown]> = [
  ['VehicleAsset', 'an I in the VIN', { ...vehicle(), vin: 'IHGCM82633A004352' }],
  ['VehicleAsset', 'a 16-character VIN', { ...vehicle(), vin: '1HGCM82633A00435' }],
  ['VehicleAsset', 'a negative value', { ...vehicle(), valueMinor: -1 }],
  ['VehicleAsset', 'a fractional value', { ...vehicle(), valueMinor: 1.5 }],
  ['VehicleAsset', 'a lower-case currency', { ...vehicle(), currency: 'eur' }],
  ['VehicleAsset', 'another schema tag', { ...vehicle(), schema: 'lease-premium/vehicle@2' }],
  ['VehicleAsset', 'no VIN', mutated(vehicle(), (v) => delete v.vin)],
  ['VehicleAsset', 'null', null],
  ['LeaseMetadata', 'February 29 in a common year', { ...lease(), endDate: '2027-02-29' }],
  ['LeaseMetadata', 'a date-time as a date', { ...lease(), startDate: '2025-03-01T00:00:00Z' }],
  ['LeaseMetadata', 'a negative mileage', { ...lease(), annualMileageKm: -1 }],
  ['LeaseMetadata', 'an unknown usage', { ...lease(), usage: 'racing' }],
  ['LeaseMetadata', 'no end date', mutated(lease(), (l) => delete l.endDate)],
  ['LedgerPosition', 'a negative height', { ...transferEvent().data.ledger, blockHeight: -1 }],
  ['OwnershipEventData', 'no new owners', { ...transferEvent().data, newOwners: [] }],
  ['OwnershipEvent', 'spec version 0.3', { ...transferEvent(), specversion: '0.3' }],
  ['OwnershipEvent', 'an unknown type', { ...transferEvent(), type: 'com.example.someevent' }],
  ['OwnershipEvent', 'a time without zone', { ...transferEvent(), time: '2025-03-01T09:14:07' }],
  ['OwnershipEvent', 'replay as a string', { ...transferEvent(), replay: 'true' }],
  ['OwnershipEvent', 'a non-base58 key', mutated(transferEvent(), (e) => (e.data.newOwners = ['0OIl'.repeat(11)]))],
  ['OwnershipEvent', 'a bad VIN shape inside', mutated(transferEvent(), (e) => (e.data.vehicle.vin = 'Q'.repeat(17)))],
  ['OwnershipEvent', 'a lease without its tag', mutated(transferEvent(), (e) => delete e.data.lease.schema)],
  ['OwnershipEvent', 'no data', mutated(transferEvent(), (e) => delete e.data)],
  ['OwnershipEvent', 'an array', [transferEvent()]],
  ['OwnershipEventBatch', 'empty', []],
  ['OwnershipEventBatch', 'one object, not an array', transferEvent()],
  ['OwnershipEventBatch', 'one bad element', [transferEvent(), { ...transferEvent(), id: 'x' }]],
  ['DriverProfile', 'a bad date of birth', { ...driverProfile(), dateOfBirth: '1988-13-01' }],
  ['DriverProfile', 'no claims', mutated(driverProfile(), (p) => delete p.claims)],
  ['Claim', 'a negative amount', { date: '2024-01-05', atFault: true, amountMinor: -1 }],
  ['Violation', '21 points', { date: '2024-01-05', points: 21, code: 'DUI' }],
  ['Violation', 'a lower-case code', { date: '2024-01-05', points: 2, code: 'dui' }],
];

/** Rules JSON Schema cannot express: zod refuses, JSON Schema accepts. Each says why. */
const SEMANTIC_ONLY: Array<[PublicSchemaName, string, unknown]> = [
  [
    'VehicleAsset',
    'a wrong VIN check digit (arithmetic over the characters)',
    { ...vehicle(), vin: '1HGCM82643A004352' },
  ],
  [
    'VehicleAsset',
    'a well-formed code that is not ISO 4217 (a list that lives in ICU, not the schema)',
    { ...vehicle(), currency: 'XYZ' },
  ],
  ['LeaseMetadata', 'end before start (comparing two fields)', { ...lease(), endDate: '2024-01-01' }],
  ['LeaseMetadata', 'end equal to start (comparing two fields)', { ...lease(), endDate: lease().startDate }],
  [
    'OwnershipEvent',
    'id different from data.ledger.transactionId (comparing two fields)',
    { ...transferEvent(), id: 'f'.repeat(64) },
  ],
  [
    'OwnershipEvent',
    'subject different from data.ledger.assetId (comparing two fields)',
    { ...transferEvent(), subject: 'e'.repeat(64) },
  ],
  [
    'OwnershipEvent',
    'a CREATE typed as ownership-changed (type depends on operation)',
    { ...createEvent(), type: transferEvent().type },
  ],
  [
    'OwnershipEvent',
    'a TRANSFER spending nothing (spends depends on operation)',
    mutated(transferEvent(), (e) => (e.data.ledger.spends = [])),
  ],
  [
    'DriverProfile',
    'a licence before birth (comparing two fields)',
    { ...driverProfile(), licensedSince: '1970-01-01' },
  ],
  ['PriorInsurancePeriod', 'to before from (comparing two fields)', { from: '2020-01-01', to: '2019-01-01' }],
];

describe('JSON Schema round trips (Ajv draft 2020-12 vs zod)', () => {
  it('compiles every exported schema in strict mode', () => {
    expect(Object.keys(ajvValidators).sort()).toEqual(Object.keys(PUBLIC_SCHEMAS).sort());
  });

  it.each(VALID)('%s %s: both accept', (name, _label, value) => {
    expect(verdicts(name, value)).toEqual({ zod: true, jsonSchema: true });
  });

  it.each(STRUCTURALLY_INVALID)('%s with %s: both refuse', (name, _label, value) => {
    expect(verdicts(name, value)).toEqual({ zod: false, jsonSchema: false });
  });

  it.each(SEMANTIC_ONLY)('%s with %s: zod refuses, JSON Schema cannot tell', (name, _label, value) => {
    expect(verdicts(name, value)).toEqual({ zod: false, jsonSchema: true });
  });

  it('JSON Schema never refuses what zod accepts (random leaf replacements of valid events)', () => {
    const leaves = collectLeafPaths(transferEvent());
    fc.assert(
      fc.property(fc.constantFrom(...leaves), fc.jsonValue(), (path, replacement) => {
        const value = mutated(transferEvent(), (copy) => setAt(copy, path, replacement));
        const { zod, jsonSchema } = verdicts('OwnershipEvent', value);
        return !zod || jsonSchema;
      }),
      { numRuns: 500 },
    );
  });
});

function collectLeafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => collectLeafPaths(child, [...prefix, key]));
}

function setAt(target: Json, path: Array<string | number>, replacement: unknown): void {
  const parent = path.slice(0, -1).reduce<Json>((node, key) => node[key] as Json, target);
  const last = path[path.length - 1];
  if (last !== undefined) parent[last] = replacement;
}
