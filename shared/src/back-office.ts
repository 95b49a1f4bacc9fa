// Back-office API bodies: what insurer systems send about drivers (the ledger knows only keys).
// Field documentation lives in .describe() so it reaches the JSON Schema and the OpenAPI document.
import { z } from 'zod';
import { addYears, requireDateNotBefore } from './dates';
import { addSiblingIssue } from './issues';
import { CurrencyCode, IsoDate } from './ledger-data';

/** One period of prior insurance; `to` absent = still insured. */
export const PriorInsurancePeriod = z
  .object({
    from: IsoDate.describe('First day insured (ISO date).'),
    to: IsoDate.optional().describe(
      'Last day insured (ISO date, inclusive: a one-day policy has `to` = `from`); absent while ongoing.',
    ),
  })
  .superRefine(requireDateNotBefore('to', 'from'))
  .describe('One period of prior insurance.');
export type PriorInsurancePeriod = z.infer<typeof PriorInsurancePeriod>;

/** A claim's share of responsibility, as the insurer settled it. */
export const ClaimResponsibility = z
  .enum(['full', 'partial', 'none'])
  .describe('Share of responsibility: full, partial (partly responsible) or none.');
export type ClaimResponsibility = z.infer<typeof ClaimResponsibility>;

/** An insurance claim in the driver's history (POST .../claims). */
export const Claim = z
  .object({
    date: IsoDate.describe('Date of loss (ISO date).'),
    responsibility: ClaimResponsibility.optional().describe(
      "The driver's share of responsibility: full, partial or none. Only claims with a payment and some responsibility surcharge (a partial one half as much under a bonus-malus).",
    ),
    atFault: z
      .boolean()
      .optional()
      .describe(
        'Older flag, still accepted: true = responsibility "full", false = "none". Give responsibility or atFault; when both, they must agree.',
      ),
    amountMinor: z
      .int()
      .min(0)
      .describe('Amount paid, minor units of `currency` (0 for a claim closed without payment: never surcharged).'),
    currency: CurrencyCode.optional().describe(
      "ISO 4217 currency of amountMinor; absent = the rate table's currency. Any other currency than the rate table's is refused (amounts are never converted).",
    ),
  })
  .superRefine((claim, ctx) => {
    if (claim.responsibility === undefined && claim.atFault === undefined) {
      ctx.addIssue({ code: 'custom', path: ['responsibility'], message: 'is required (or the older atFault flag)' });
    } else if (
      claim.responsibility !== undefined &&
      claim.atFault !== undefined &&
      claim.atFault !== (claim.responsibility !== 'none')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['atFault'],
        message: `${claim.atFault} contradicts responsibility "${claim.responsibility}"`,
      });
    }
  })
  .describe("An insurance claim in the driver's history.");
export type Claim = z.infer<typeof Claim>;

/** Violation codes the built-in rate tables know; other codes are accepted and rated by points. */
export const KNOWN_VIOLATION_CODES = [
  'SPEEDING',
  'RED_LIGHT',
  'DUI',
  'RACING',
  'HIT_AND_RUN',
  'RECKLESS',
  'NO_INSURANCE',
  'PHONE_USE',
] as const;

/** A traffic violation in the driver's history (POST .../violations). */
export const Violation = z
  .object({
    date: IsoDate.describe('Date of conviction (ISO date).'),
    points: z.int().min(0).max(20).describe('Licence points the authority recorded (0..20).'),
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'must be an upper-case code such as "SPEEDING"')
      .describe('Upper-case code, e.g. SPEEDING, DUI, RACING, HIT_AND_RUN, RED_LIGHT.'),
  })
  .describe("A traffic violation in the driver's history.");
export type Violation = z.infer<typeof Violation>;

/** Most claims, and most violations, one driver profile holds (every write path keeps it). */
export const MAX_CLAIMS = 1000;
export const MAX_VIOLATIONS = 1000;
/** The youngest licensing age in any US state: a licence issued earlier is a data-entry error. */
export const MIN_LICENSING_AGE = 14;
/** Plausible ages of a driver on the day a profile is written. */
export const MIN_DRIVER_AGE = 16;
export const MAX_DRIVER_AGE = 120;

/** PUT /drivers/{publicKey}: everything rating needs to know about one driver. */
export const DriverProfile = z
  .object({
    dateOfBirth: IsoDate.describe('Date of birth (ISO date). Personal data: never log it.'),
    licensedSince: IsoDate.describe(
      'Date the driving licence was first issued (ISO date), on or after the 14th birthday.',
    ),
    territory: z
      .string()
      .min(1)
      .max(64)
      .describe('Rating territory code from the rate table, e.g. "US-CA-URBAN" or "DE-BY".'),
    priorInsurance: z
      .object({ periods: z.array(PriorInsurancePeriod).max(100) })
      .optional()
      .describe('Continuous prior insurance, if any.'),
    claims: z.array(Claim).max(MAX_CLAIMS).describe('Insurance claims, any order.'),
    violations: z.array(Violation).max(MAX_VIOLATIONS).describe('Traffic violations, any order.'),
  })
  .superRefine((profile, ctx) => {
    if (profile.licensedSince < addYears(profile.dateOfBirth, MIN_LICENSING_AGE)) {
      addSiblingIssue(ctx, 'licensedSince', `must be at least ${MIN_LICENSING_AGE} years after`, 'dateOfBirth');
    }
  })
  .describe("Everything rating needs to know about one driver (keyed by the driver's ledger public key).");
export type DriverProfile = z.infer<typeof DriverProfile>;

// Rules relative to the day of writing. They hold when a profile or an incident is written, not
// forever (a stored driver keeps ageing), so they are separate from the stored shape above and
// take "today" from the caller's clock.

function notAfterToday(ctx: z.RefinementCtx, path: PropertyKey[], date: string, today: string): void {
  if (date > today) ctx.addIssue({ code: 'custom', path, message: `must not be in the future (today is ${today})` });
}

/** DriverProfile as it may be written on `today` (ISO date): plausible age, licence and incident dates. */
export function driverProfileWrittenOn(today: string) {
  return DriverProfile.superRefine((profile, ctx) => {
    if (
      addYears(profile.dateOfBirth, MIN_DRIVER_AGE) > today ||
      addYears(profile.dateOfBirth, MAX_DRIVER_AGE + 1) <= today
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['dateOfBirth'],
        message: `must give an age from ${MIN_DRIVER_AGE} to ${MAX_DRIVER_AGE} years today (${today})`,
      });
    }
    notAfterToday(ctx, ['licensedSince'], profile.licensedSince, today);
    profile.claims.forEach((claim, i) => notAfterToday(ctx, ['claims', i, 'date'], claim.date, today));
    profile.violations.forEach((violation, i) => notAfterToday(ctx, ['violations', i, 'date'], violation.date, today));
  });
}

/** A claim as it may be reported on `today`: not dated in the future. */
export function claimWrittenOn(today: string) {
  return Claim.superRefine((claim, ctx) => notAfterToday(ctx, ['date'], claim.date, today));
}

/** A violation as it may be reported on `today`: not dated in the future. */
export function violationWrittenOn(today: string) {
  return Violation.superRefine((violation, ctx) => notAfterToday(ctx, ['date'], violation.date, today));
}
