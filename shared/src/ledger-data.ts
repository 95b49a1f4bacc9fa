// The on-ledger data contract: what the leasing company writes into BigchainDB transactions.
// A car is registered by a CREATE whose asset.data is a VehicleAsset; every lease change is a
// TRANSFER whose metadata is a LeaseMetadata. Anything tagged otherwise is simply not ours
// (see classify.ts). Both objects are open (.loose()): the leasing company may add fields.
// Field documentation lives in .describe() so it reaches the JSON Schema and the OpenAPI document.
import { z } from 'zod';
import { requireDateAfter } from './dates';
import { isValidVin, VIN_PATTERN, vinCheckDigit } from './vin';

export const VEHICLE_SCHEMA_TAG = 'lease-premium/vehicle@1';
export const LEASE_SCHEMA_TAG = 'lease-premium/lease@1';

// ICU's list of current ISO 4217 codes; the rate table still decides which ones it prices.
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 alphabetic code. JSON Schema carries the shape; the code list is checked here. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"')
  .refine((code) => !/^[A-Z]{3}$/.test(code) || ISO_4217.has(code), 'must be an ISO 4217 code such as "EUR"')
  .describe('ISO 4217 currency code, e.g. "EUR".');

/** Calendar date, ISO 8601 "YYYY-MM-DD" (real dates only: 2023-02-29 is refused). */
export const IsoDate = z.iso.date().describe('Calendar date, ISO 8601 "YYYY-MM-DD".');

/**
 * Vehicle identification number: 17 characters, no I/O/Q, valid check digit in position 9
 * (49 CFR 565.15 / ISO 3779). JSON Schema carries the pattern; the check digit is checked here.
 */
export const Vin = z
  .string()
  .length(17, 'must be 17 characters')
  .regex(VIN_PATTERN, 'must use only A-Z and 0-9, without I, O or Q')
  .superRefine((vin, ctx) => {
    if (VIN_PATTERN.test(vin) && !isValidVin(vin)) {
      ctx.addIssue({ code: 'custom', message: `check digit (position 9) must be ${vinCheckDigit(vin)}`, input: vin });
    }
  })
  .describe(
    'Vehicle identification number: 17 characters A-Z/0-9 without I, O, Q; position 9 is a check digit (49 CFR 565.15) the validators verify.',
  );

/** Liability rating class from the manufacturer's VIN lookup (the rate table's vehicle factor). */
export const VehicleRatingClass = z
  .enum(['standard', 'high-performance', 'large'])
  .describe("Liability rating class from the manufacturer's VIN lookup.");
/** Body style. */
export const BodyType = z
  .enum(['sedan', 'hatchback', 'estate', 'suv', 'coupe', 'convertible', 'van', 'pickup', 'minivan'])
  .describe('Body style.');

export const VehicleAsset = z
  .object({
    schema: z
      .literal(VEHICLE_SCHEMA_TAG)
      .describe('Schema tag: "lease-premium/vehicle@1". Another tag, or none, means "not a car-lease asset".'),
    vin: Vin,
    make: z.string().min(1).max(64).describe('Manufacturer, e.g. "Honda".'),
    model: z.string().min(1).max(64).describe('Model name, e.g. "Accord".'),
    modelYear: z.int().min(1980).max(2100).describe('Model year as printed on the registration.'),
    bodyType: BodyType,
    valueMinor: z
      .int()
      .positive()
      .describe(
        'Price new (list price incl. options) in minor units of `currency`; drives the physical-damage symbol.',
      ),
    currency: CurrencyCode.describe('Currency of valueMinor.'),
    ratingClass: VehicleRatingClass.describe("Liability rating class from the manufacturer's VIN lookup."),
  })
  .loose()
  .describe(
    'asset.data of the CREATE that registers a car (schema lease-premium/vehicle@1). Open: other fields are allowed.',
  );
export type VehicleAsset = z.infer<typeof VehicleAsset>;

/** lease-start: a lessee takes the car; lease-end: it returns to the company; transfer: any other change of hands. */
export const LeaseAction = z
  .enum(['lease-start', 'lease-end', 'transfer'])
  .describe(
    'lease-start: a lessee takes the car; lease-end: it returns to the company; transfer: any other change of hands.',
  );
/** Declared use of the car: the rate table's usage factor. */
export const VehicleUsage = z
  .enum(['pleasure', 'commute', 'business'])
  .describe("Declared use of the car (the rate table's usage factor).");

export const LeaseMetadata = z
  .object({
    schema: z
      .literal(LEASE_SCHEMA_TAG)
      .describe('Schema tag: "lease-premium/lease@1". Another tag, or none, means "not a car-lease transfer".'),
    action: LeaseAction,
    leaseId: z
      .string()
      .min(1)
      .max(128)
      .describe("The leasing company's contract reference; stable across the start and end of one lease."),
    startDate: IsoDate.describe('First day of the lease (ISO date).'),
    endDate: IsoDate.describe('Exclusive end of the lease (ISO date); must be after startDate.'),
    annualMileageKm: z.int().min(0).max(500_000).describe('Contractual annual mileage allowance, kilometres.'),
    usage: VehicleUsage,
  })
  .loose()
  .superRefine(requireDateAfter('endDate', 'startDate'))
  .describe(
    "metadata of a TRANSFER that changes a car's lease (schema lease-premium/lease@1). Open: other fields are allowed.",
  );
export type LeaseMetadata = z.infer<typeof LeaseMetadata>;
