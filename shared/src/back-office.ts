// Back-office API bodies: what insurer systems send about drivers (the ledger knows only keys).
import { z } from 'zod';
import { requireDateAfter } from './dates';
import { CurrencyCode, IsoDate } from './ledger-data';

/** One period of prior insurance; `to` absent = still insured. */
export const PriorInsurancePeriod = z
  .object({
    /** First day insured (ISO date). */
    from: IsoDate,
    /** Last day insured (ISO date), after `from`; absent while ongoing. */
    to: IsoDate.optional(),
  })
  .superRefine(requireDateAfter('to', 'from'));
export type PriorInsurancePeriod = z.infer<typeof PriorInsurancePeriod>;

/** An insurance claim in the driver's history (POST .../claims). */
export const Claim = z.object({
  /** Date of loss (ISO date). */
  date: IsoDate,
  /** Whether the driver was at fault; only at-fault claims surcharge. */
  atFault: z.boolean(),
  /** Amount paid, minor units of `currency` (0 for a claim closed without payment). */
  amountMinor: z.int().min(0),
  /** ISO 4217 currency of amountMinor; absent = the rate table's currency. */
  currency: CurrencyCode.optional(),
});
export type Claim = z.infer<typeof Claim>;

/** Violation codes the built-in rate tables know; other codes are accepted and rated by points. */
export const KNOWN_VIOLATION_CODES = ['SPEEDING', 'RED_LIGHT', 'DUI', 'RACING', 'HIT_AND_RUN', 'RECKLESS', 'NO_INSURANCE', 'PHONE_USE'] as const;

/** A traffic violation in the driver's history (POST .../violations). */
export const Violation = z.object({
  /** Date of conviction (ISO date). */
  date: IsoDate,
  /** Licence points the authority recorded (0..20). */
  points: z.int().min(0).max(20),
  /** Upper-case code, e.g. SPEEDING, DUI, RACING, HIT_AND_RUN, RED_LIGHT. */
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'must be an upper-case code such as "SPEEDING"'),
});
export type Violation = z.infer<typeof Violation>;

/** PUT /drivers/{publicKey}: everything rating needs to know about one driver. */
export const DriverProfile = z
  .object({
    /** Date of birth (ISO date). Personal data: never log it. */
    dateOfBirth: IsoDate,
    /** Date the driving licence was first issued (ISO date), after dateOfBirth. */
    licensedSince: IsoDate,
    /** Rating territory code from the rate table, e.g. "US-CA-URBAN" or "DE-BY". */
    territory: z.string().min(1).max(64),
    /** Continuous prior insurance, if any. */
    priorInsurance: z.object({ periods: z.array(PriorInsurancePeriod).max(100) }).optional(),
    claims: z.array(Claim).max(1000),
    violations: z.array(Violation).max(1000),
  })
  .superRefine(requireDateAfter('licensedSince', 'dateOfBirth'));
export type DriverProfile = z.infer<typeof DriverProfile>;
