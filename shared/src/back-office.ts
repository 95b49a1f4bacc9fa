// Back-office API bodies: what insurer systems send about drivers (the ledger knows only keys).
// Field documentation lives in .describe() so it reaches the JSON Schema and the OpenAPI document.
import { z } from 'zod';
import { requireDateAfter } from './dates';
import { CurrencyCode, IsoDate } from './ledger-data';

/** One period of prior insurance; `to` absent = still insured. */
export const PriorInsurancePeriod = z
  .object({
    from: IsoDate.describe('First day insured (ISO date).'),
    to: IsoDate.optional().describe('Last day insured (ISO date), after `from`; absent while ongoing.'),
  })
  .superRefine(requireDateAfter('to', 'from'))
  .describe('One period of prior insurance.');
export type PriorInsurancePeriod = z.infer<typeof PriorInsurancePeriod>;

/** An insurance claim in the driver's history (POST .../claims). */
export const Claim = z.object({
  date: IsoDate.describe('Date of loss (ISO date).'),
  atFault: z.boolean().describe('Whether the driver was at fault; only at-fault claims surcharge.'),
  amountMinor: z.int().min(0).describe('Amount paid, minor units of `currency` (0 for a claim closed without payment).'),
  currency: CurrencyCode.optional().describe('ISO 4217 currency of amountMinor; absent = the rate table\'s currency.'),
}).describe('An insurance claim in the driver\'s history.');
export type Claim = z.infer<typeof Claim>;

/** Violation codes the built-in rate tables know; other codes are accepted and rated by points. */
export const KNOWN_VIOLATION_CODES = ['SPEEDING', 'RED_LIGHT', 'DUI', 'RACING', 'HIT_AND_RUN', 'RECKLESS', 'NO_INSURANCE', 'PHONE_USE'] as const;

/** A traffic violation in the driver's history (POST .../violations). */
export const Violation = z.object({
  date: IsoDate.describe('Date of conviction (ISO date).'),
  points: z.int().min(0).max(20).describe('Licence points the authority recorded (0..20).'),
  code: z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'must be an upper-case code such as "SPEEDING"').describe('Upper-case code, e.g. SPEEDING, DUI, RACING, HIT_AND_RUN, RED_LIGHT.'),
}).describe('A traffic violation in the driver\'s history.');
export type Violation = z.infer<typeof Violation>;

/** PUT /drivers/{publicKey}: everything rating needs to know about one driver. */
export const DriverProfile = z
  .object({
    dateOfBirth: IsoDate.describe('Date of birth (ISO date). Personal data: never log it.'),
    licensedSince: IsoDate.describe('Date the driving licence was first issued (ISO date), after dateOfBirth.'),
    territory: z.string().min(1).max(64).describe('Rating territory code from the rate table, e.g. "US-CA-URBAN" or "DE-BY".'),
    priorInsurance: z.object({ periods: z.array(PriorInsurancePeriod).max(100) }).optional().describe('Continuous prior insurance, if any.'),
    claims: z.array(Claim).max(1000).describe('Insurance claims, any order.'),
    violations: z.array(Violation).max(1000).describe('Traffic violations, any order.'),
  })
  .superRefine(requireDateAfter('licensedSince', 'dateOfBirth'))
  .describe('Everything rating needs to know about one driver (keyed by the driver\'s ledger public key).');
export type DriverProfile = z.infer<typeof DriverProfile>;
