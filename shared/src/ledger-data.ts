// The on-ledger data contract: what the leasing company writes into BigchainDB transactions.
// A car is registered by a CREATE whose asset.data is a VehicleAsset; every lease change is a
// TRANSFER whose metadata is a LeaseMetadata. Anything tagged otherwise is simply not ours.
import { z } from 'zod';
import { isValidVin } from './vin';

export const VEHICLE_SCHEMA_TAG = 'lease-premium/vehicle@1';
export const LEASE_SCHEMA_TAG = 'lease-premium/lease@1';

/** ISO 4217 alphabetic code (format only; the rate table decides which currencies it prices). */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"');

/** Calendar date, ISO 8601 "YYYY-MM-DD". */
export const IsoDate = z.iso.date();

export const VehicleRatingClass = z.enum(['standard', 'high-performance', 'large']);
export const BodyType = z.enum(['sedan', 'hatchback', 'estate', 'suv', 'coupe', 'convertible', 'van', 'pickup', 'minivan']);

export const VehicleAsset = z
  .object({
    schema: z.literal(VEHICLE_SCHEMA_TAG),
    /** Vehicle identification number: 17 characters, no I/O/Q, valid ISO 3779 / 49 CFR 565 check digit. */
    vin: z.string().refine(isValidVin, 'must be a valid 17-character VIN (no I, O or Q; check digit in position 9)'),
    make: z.string().min(1).max(64),
    model: z.string().min(1).max(64),
    /** Model year as printed on the registration. */
    modelYear: z.int().min(1980).max(2100),
    bodyType: BodyType,
    /** Price new (list price incl. options) in minor units of `currency`; drives the physical-damage symbol. */
    valueMinor: z.int().positive(),
    currency: CurrencyCode,
    /** Liability rating class from the manufacturer's VIN lookup. */
    ratingClass: VehicleRatingClass,
  })
  .loose();
export type VehicleAsset = z.infer<typeof VehicleAsset>;

export const LeaseAction = z.enum(['lease-start', 'lease-end', 'transfer']);
export const VehicleUsage = z.enum(['pleasure', 'commute', 'business']);

export const LeaseMetadata = z
  .object({
    schema: z.literal(LEASE_SCHEMA_TAG),
    action: LeaseAction,
    /** The leasing company's contract reference; stable across the start and end of one lease. */
    leaseId: z.string().min(1).max(128),
    startDate: IsoDate,
    /** Exclusive end of the lease; must be after startDate. */
    endDate: IsoDate,
    /** Contractual annual mileage allowance, kilometres. */
    annualMileageKm: z.int().min(0).max(500_000),
    usage: VehicleUsage,
  })
  .loose()
  .superRefine((lease, ctx) => {
    if (lease.endDate <= lease.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must be after startDate' });
    }
  });
export type LeaseMetadata = z.infer<typeof LeaseMetadata>;
