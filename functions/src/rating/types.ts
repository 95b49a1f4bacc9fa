// Public types of the rating engine. Dates are ISO "YYYY-MM-DD" strings, money is
// integer minor units of `currency`, factors and other decimals are strings (never JS floats).

export type Coverage = 'LIAB' | 'COLL' | 'COMP';
export const COVERAGES: readonly Coverage[] = ['LIAB', 'COLL', 'COMP'];

export type VehicleRatingClass = 'standard' | 'high-performance' | 'large';
export type VehicleUsage = 'pleasure' | 'commute' | 'business';

/** A claim's share of responsibility: full ×1.25 on the bonus-malus, partial ×1.125, none never counts. */
export type ClaimResponsibility = 'full' | 'partial' | 'none';

export interface ClaimInput {
  date: string;
  /** Preferred over `atFault`; absent -> atFault true = "full", false = "none". */
  responsibility?: ClaimResponsibility;
  /** Older flag, still accepted: must agree with `responsibility` when both are given. */
  atFault?: boolean;
  /** Amount paid (0 = closed without payment: never surcharged). */
  amountMinor: number;
  /** ISO 4217 code of amountMinor; absent = the rate table's currency. Any other currency is refused (RatingError). */
  currency?: string;
}

export interface DriverFacts {
  driverKey: string;
  dateOfBirth: string;
  licensedSince: string;
  territory: string;
  /** Insured periods; `to` is the last insured day (inclusive), absent = ongoing. Absent or empty = no prior insurance declared. */
  priorInsurance?: { periods: { from: string; to?: string }[] };
  claims: ClaimInput[];
  violations: { date: string; points: number; code: string }[];
}

/** A key on the output that is not in the drivers table: rated by the table's unknown-driver rule. */
export interface UnknownDriver {
  driverKey: string;
  unknown: true;
}

export interface RatingRequest {
  /** ISO date the new lessee takes the car: rated as new business from here (terms are anchored on it). */
  transferDate: string;
  vehicle: {
    vin: string;
    make: string;
    model: string;
    modelYear: number;
    /** Price new, minor units; drives the physical-damage symbol. */
    valueMinor: number;
    currency: string;
    ratingClass: VehicleRatingClass;
    bodyType: string;
  };
  /** null -> the table's default lease (one 12-month term) and a review reason. */
  lease: { startDate: string; endDate: string; annualMileageKm: number; usage: VehicleUsage } | null;
  drivers: Array<DriverFacts | UnknownDriver>;
  /** Extension: chosen limits/deductibles (table keys, e.g. "100/300/100", "1000"); absent -> the table's lessor defaults. */
  coverage?: { liabilityLimit?: string; collDeductible?: string; compDeductible?: string };
  /**
   * Re-rating a lease already priced (a new claim, violation or profile). Terms stay on the
   * anniversaries of `transferDate`; days before `effectiveDate` keep what `previousTerms` (the
   * previous result's terms) charged; the new rate applies from `effectiveDate`, pro rata.
   */
  rerate?: { effectiveDate: string; previousTerms: readonly RatingTerm[] };
}

export interface RatingTerm {
  start: string;
  /** Exclusive end. */
  end: string;
  days: number;
  premiumMinor: number;
  tableVersion: string;
  /** sha256 of the canonical JSON of `tableVersion`. */
  tableSha256: string;
  /** The driver charged for this term: the highest term premium of the listed drivers. */
  ratedDriverKey: string;
  /** Re-rates: the part of premiumMinor kept from the previous rating for the days before the effective date. */
  elapsedMinor?: number;
  /** Extension: days in the policy year starting on this term's anniversary (the pro-rata denominator). */
  yearDays: number;
  /** Extension: the annual premium at this term's start with the facts rated now (age, vehicle age, incidents); a wholly elapsed term keeps its previous premiumMinor. */
  annualPremiumMinor: number;
}

export interface BreakdownLine {
  step: string;
  coverage?: Coverage;
  factor?: string;
  /** Decimal string: a factor, a money amount in major units, or a count. */
  value: string;
  amountMinor?: number;
  source: { driverFact?: string; tableRow?: string; note?: string };
  /** Extension: exact running product after a factor step (major units, unrounded). */
  running?: string;
  /**
   * How a factor line combines: absent = a relativity of the reference premium; "coefficient" =
   * multiplies after the relativities (bonus-malus, novice surcharge); "referenceSurcharge" = a
   * fraction of the reference premium added on top (A121-1-2).
   */
  kind?: 'coefficient' | 'referenceSurcharge';
  /** The policy term (1-based) this line prices; absent on the annual-only lines of a lease with no terms. */
  term?: number;
  /** The rate-table version and its sha256 the line's figures come from (pricing lines). */
  tableVersion?: string;
  tableSha256?: string;
}

export interface RatingResult {
  outcome: 'RATED' | 'REFER';
  needsReview: boolean;
  reviewReasons: string[];
  currency: string;
  tableId: string;
  tableVersion: string;
  /**
   * The driver charged for the term in force: the first term, or for a re-rate the first term not
   * wholly elapsed (each term names its own: terms[i].ratedDriverKey). annualPremiumMinor,
   * tableVersion and tableSha256 are that term's too.
   */
  ratedDriverKey: string;
  annualPremiumMinor: number;
  terms: RatingTerm[];
  leaseTotalMinor: number;
  breakdown: BreakdownLine[];
  /** Extension: sha256 of the canonical JSON of the table version in force (see ratedDriverKey). */
  tableSha256: string;
}

/** Unratable input (bad date, currency the table cannot price, no table version in force...). */
export class RatingError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'RatingError';
  }
}

/** A rate table that fails validation; `issues` name the offending JSON paths. */
export class RateTableError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid rate table: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'RateTableError';
  }
}

export type { RateTable, RateTableSet } from './table-schema';
