// The JSON shape of one rate-table version (inputs as in types.ts).
// Structure only; the cross-field rules (bands, coverages, protected attributes, effective ranges)
// live in table-rules.ts. Factors are decimal STRINGS: a JSON number is rejected (binary floats are never exact).
import { z } from 'zod';

const DECIMAL = /^\d+(\.\d+)?$/;
/** Relativity: decimal string, at most 4 decimals, bounds [0.25, 5.00] checked in table-rules. */
const FactorValue = z
  .string({ error: 'must be a decimal string such as "1.15", not a JSON number' })
  .regex(/^\d+(\.\d{1,4})?$/, 'must be a decimal string with at most 4 decimals, e.g. "1.15" (not a JSON number)');
/** Money in major units as a decimal string, e.g. "45.00". */
const Money = z
  .string({ error: 'must be a decimal string in major units such as "45.00", not a JSON number' })
  .regex(DECIMAL, 'must be a non-negative decimal string in major units, e.g. "45.00"');
const IsoDate = z.iso.date();
const CoverageCode = z.enum(['LIAB', 'COLL', 'COMP']);
const AppliesTo = z.array(CoverageCode).min(1);
const Source = z.string().min(1, 'every factor names its source');
const Bound = z.union([z.int().min(0), z.string().regex(DECIMAL, 'must be a non-negative decimal string')]);

/** Half-open band [from, to); to = null means open-ended. Bands must tile [0, ∞) without gap or overlap. */
const Band = z.strictObject({ from: Bound, to: Bound.nullable(), value: FactorValue });
const Bands = z.array(Band).min(1);

const BandFactor = z.strictObject({
  appliesTo: AppliesTo,
  enabled: z.boolean().default(true),
  bands: Bands,
  source: Source,
});
const KeyedFactor = z.strictObject({
  appliesTo: AppliesTo,
  enabled: z.boolean().default(true),
  values: z.record(z.string().min(1), FactorValue),
  source: Source,
});

const MeritDriverRecord = z.strictObject({
  scheme: z.literal('MERIT'),
  /** f_DR = min(f_claims × f_points, cap). */
  cap: FactorValue,
  appliesTo: AppliesTo,
  atFaultClaims: z.strictObject({
    lookbackMonths: z.int().positive(),
    /** Claims paid below this amount (major units) do not count (CLUE "closed without payment", small claims). */
    minPaid: Money,
    bands: Bands,
    source: Source,
  }),
  violationPoints: z.strictObject({ lookbackMonths: z.int().positive(), bands: Bands, source: Source }),
});

const CrmDriverRecord = z.strictObject({
  scheme: z.literal('CRM_FR'),
  crm: z.strictObject({
    initial: FactorValue,
    claimFreeMultiplier: FactorValue,
    responsibleClaimMultiplier: FactorValue,
    /** Art. 5: a partly responsible claim raises the coefficient by half as much (×1.125). */
    partialClaimMultiplier: FactorValue,
    /** Art. 4: the claim-free reduction for "tous déplacements" use (×0.93). */
    allTripsClaimFreeMultiplier: FactorValue,
    /** The lease usages that are "tous déplacements". */
    allTripsUsages: z.array(z.enum(['pleasure', 'commute', 'business'])),
    floor: FactorValue,
    cap: FactorValue,
    truncateDecimals: z.int().min(0).max(4),
    resetToOneAfterClaimFreeYears: z.int().positive(),
    forgiveFirstClaimAfterYearsAtFloor: z.int().positive(),
    /** Each reference year ends this many months before the term start (Art. 4: 2 months). */
    referencePeriodEndsMonthsBefore: z.int().min(0).max(12),
    appliesTo: AppliesTo,
    source: Source,
  }),
  noviceOrNoProofSurcharge: z.strictObject({
    appliesTo: AppliesTo,
    /** Surcharge as a fraction of the premium (1.00 = +100%), halved after each claim-free year. */
    max: FactorValue,
    noviceYears: z.int().positive(),
    /** Licensed ≥ noviceYears but no insured day in this many months before the term start -> full surcharge. */
    noProofLookbackMonths: z.int().positive(),
    source: Source,
  }),
  aggravations: z.strictObject({
    appliesTo: AppliesTo,
    lookbackMonths: z.int().positive(),
    /** Surcharge fraction per violation code (each circumstance counted once). */
    byViolationCode: z.record(z.string().min(1), FactorValue),
    /** Surcharge when ≥ 3 responsible paid claims fall in the last reference year. */
    threePlusClaimsInYear: FactorValue,
    totalMax: FactorValue,
    source: Source,
  }),
});

export const RateTableSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a lower-case slug'),
  version: z.string().min(1).max(32),
  status: z.enum(['ILLUSTRATIVE', 'FILED']),
  disclaimer: z.string().min(1),
  sources: z.array(z.string().min(1)).min(1),
  jurisdiction: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  minorUnitDigits: z.int().min(0).max(4),
  effectiveFrom: IsoDate,
  /** Exclusive; null = open-ended. */
  effectiveTo: IsoDate.nullable(),
  supersedes: z.string().nullable(),
  rounding: z.strictObject({
    mode: z.enum(['HALF_UP', 'HALF_EVEN', 'HALF_DOWN', 'UP', 'DOWN', 'CEILING', 'FLOOR']),
    unit: z.string().regex(/^(0\.0*1|1|10|100)$/, 'must be a power of ten such as "0.01" or "1"'),
  }),
  proration: z.strictObject({
    /** ACTUAL_ACTUAL_POLICY_YEAR: d / days of the policy year starting on the term anniversary (365 or 366). */
    basis: z.enum(['ACTUAL_ACTUAL_POLICY_YEAR', 'ACTUAL_365F']),
    maxTermMonths: z.literal(12),
    prorateFee: z.boolean(),
  }),
  fees: z.strictObject({ policyFee: Money }),
  minimumPremium: z.strictObject({ annual: Money, term: Money }),
  referral: z.strictObject({
    annualPremiumAbove: Money,
    atFaultClaims5yAtLeast: z.int().positive(),
    points3yAtLeast: z.int().positive(),
    violationCodes36m: z.array(z.string().min(1)),
    valueNewAbove: Money,
    /** A lease needing more terms than this is referred (still priced). */
    maxLeaseTerms: z.int().positive(),
  }),
  coverages: z.array(CoverageCode).min(1),
  baseRates: z.record(z.string(), Money),
  driverRecord: z.discriminatedUnion('scheme', [MeritDriverRecord, CrmDriverRecord]),
  factors: z.strictObject({
    territory: KeyedFactor.extend({
      /** The jurisdiction whose rules (e.g. disabledInJurisdictions) apply to a territory; absent = the table's. */
      jurisdictions: z.record(z.string().min(1), z.string().min(1)).default({}),
    }),
    driverAge: BandFactor,
    yearsLicensed: BandFactor,
    priorInsurance: BandFactor.extend({
      /** Bands are over the longest uninsured gap (days) in this many months before the term start. */
      lookbackMonths: z.int().positive(),
      noPriorInsurance: FactorValue,
      disabledInJurisdictions: z.array(z.string().min(1)),
    }),
    annualMileage: BandFactor.extend({ unit: z.enum(['km', 'mi']) }),
    usage: KeyedFactor,
    vehicleLiabilityClass: KeyedFactor,
    /** Price-new bands in major units of the table currency. */
    vehicleSymbol: BandFactor,
    vehicleAge: BandFactor,
    liabilityLimit: KeyedFactor.extend({ default: z.string().min(1) }),
    deductible: z.strictObject({
      appliesTo: AppliesTo,
      values: z.record(z.string(), z.record(z.string().min(1), FactorValue)),
      default: z.record(z.string(), z.string().min(1)),
      source: Source,
    }),
  }),
  /** How a driver not in the drivers table is rated: a fixed default profile (flagged needsReview). */
  unknownDriver: z.strictObject({
    profile: z.strictObject({
      age: z.int().min(0),
      yearsLicensed: z.int().min(0),
      atFaultClaims5y: z.int().min(0),
      points3y: z.int().min(0),
      /** null = no prior insurance. */
      priorInsuranceGapDays: z.int().min(0).nullable(),
      crm: FactorValue,
      territory: z.string().min(1),
    }),
    source: Source,
  }),
  /** Used when the ownership change carries no lease terms. */
  defaultLease: z.strictObject({
    termMonths: z.int().min(1).max(12),
    annualMileageKm: z.int().min(0),
    usage: z.enum(['pleasure', 'commute', 'business']),
  }),
});

export type RateTable = z.infer<typeof RateTableSchema>;
export type RateBand = z.infer<typeof Band>;

/** Every version of one table id, validated, ordered by effectiveFrom; each term uses the version in force on its start. */
export interface RateTableSet {
  readonly id: string;
  readonly versions: readonly { readonly table: RateTable; readonly sha256: string }[];
}
