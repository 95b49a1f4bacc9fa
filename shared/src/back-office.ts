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

/** A claim's share of responsibility, as the insurer settled it. */
export const ClaimResponsibility = z.enum(['full', 'partial', 'none']).describe('Share of responsibility: full, partial (partly responsible) or none.');
export type ClaimResponsibility = z.infer<typeof ClaimResponsibility>;

/** An insurance claim in the driver's history (POST .../claims). */
export const Claim = z
  .object({
    date: IsoDate.describe('Date of loss (ISO date).'),
    responsibility: ClaimResponsibility.optional().describe('The driver\'s share of responsibility: full, partial or none. Only claims with a payment and some responsibility surcharge (a partial one half as much under a bonus-malus).'),
    atFault: z.boolean().optional().describe('Older flag, still accepted: true = responsibility "full", false = "none". Give responsibility or atFault; when both, they must agree.'),
    amountMinor: z.int().min(0).describe('Amount paid, minor units of `currency` (0 for a claim closed without payment: never surcharged).'),
    currency: CurrencyCode.optional().describe('ISO 4217 currency of amountMinor; absent = the rate table\'s currency. Any other currency than the rate table\'s is refused (amounts are never converted).'),
  })
  .superRefine((claim, ctx) => {
    if (claim.responsibility === undefined && claim.atFault === undefined) {
      ctx.addIssue({ code: 'custom', path: ['responsibility'], message: 'is required (or the older atFault flag)' });
    } else if (claim.responsibility !== undefined && claim.atFault !== undefined && claim.atFault !== (claim.responsibility !== 'none')) {
      ctx.addIssue({ code: 'custom', path: ['atFault'], message: `${claim.atFault} contradicts responsibility "${claim.responsibility}"` });
    }
  })
  .describe('An insurance claim in the driver\'s history.');
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
