// Validates a RatingRequest at the engine's edge (the caller is typed, but the data came from a
// ledger and a back office) and turns ISO strings into calendar dates. Bad input -> RatingError
// naming the field.
import { claimCurrencyProblem } from './claim-currency';
import { addDays, compareDates, parseIsoDate, type CalendarDate } from './dates';
import {
  RatingError,
  type ClaimInput,
  type ClaimResponsibility,
  type DriverFacts,
  type RatingRequest,
  type RatingTerm,
  type UnknownDriver,
  type VehicleRatingClass,
  type VehicleUsage,
} from './types';

export interface ClaimFact {
  date: CalendarDate;
  iso: string;
  responsibility: ClaimResponsibility;
  amountMinor: number;
  /** ISO 4217 code of amountMinor: always the table's currency once normalized (others are refused). */
  currency: string;
}
export interface ViolationFact {
  date: CalendarDate;
  iso: string;
  points: number;
  code: string;
}
/** Half-open [from, to): `to` is the day after the last insured day (the request's `to` is inclusive). */
export interface InsuredPeriod {
  from: CalendarDate;
  to: CalendarDate | null;
}
export interface KnownDriver {
  kind: 'known';
  driverKey: string;
  /** Where the driver was listed in the request ("drivers[1]"), for error paths after sorting. */
  path: string;
  dateOfBirth: CalendarDate;
  licensedSince: CalendarDate;
  territory: string;
  /** null = no prior insurance declared. */
  insuredPeriods: InsuredPeriod[] | null;
  claims: ClaimFact[];
  violations: ViolationFact[];
}
export interface UnknownDriverInput {
  kind: 'unknown';
  driverKey: string;
  path: string;
}
export type DriverInput = KnownDriver | UnknownDriverInput;

export interface NormalizedRequest {
  transferDate: CalendarDate;
  vehicle: { modelYear: number; valueMinor: number; currency: string; ratingClass: VehicleRatingClass };
  lease: { startDate: CalendarDate; endDate: CalendarDate; annualMileageKm: number; usage: VehicleUsage } | null;
  /** A re-rate of a lease already priced: new facts apply from `effectiveDate`, earlier days keep what `previousTerms` charged. */
  rerate: { effectiveDate: CalendarDate; previousTerms: PreviousTerm[] } | null;
  /** Sorted by driverKey so nothing downstream depends on the order the caller listed them in. */
  drivers: DriverInput[];
  coverage: { liabilityLimit?: string; collDeductible?: string; compDeductible?: string };
}

export interface PreviousTerm {
  start: CalendarDate;
  end: CalendarDate;
  days: number;
  premiumMinor: number;
  tableVersion: string;
}

/** Drivers on one output the engine rates (each is rated for every term: bounds the work and the breakdown). */
export const MAX_DRIVERS = 10;

const RATING_CLASSES: readonly string[] = ['standard', 'high-performance', 'large'];
const USAGES: readonly string[] = ['pleasure', 'commute', 'business'];

function date(value: unknown, path: string): CalendarDate {
  const parsed = typeof value === 'string' ? parseIsoDate(value) : undefined;
  if (!parsed) throw new RatingError(`must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}`, path);
  return parsed;
}

function integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RatingError(`must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`, path);
  }
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new RatingError('must be a non-empty string', path);
  return value;
}

const RESPONSIBILITIES: readonly string[] = ['full', 'partial', 'none'];

/** `responsibility` wins; the older `atFault` flag maps to full / none. Both given must agree. */
function responsibilityOf(claim: ClaimInput, path: string): ClaimResponsibility {
  const { responsibility, atFault } = claim;
  if (atFault !== undefined && typeof atFault !== 'boolean')
    throw new RatingError('must be a boolean', `${path}.atFault`);
  if (responsibility === undefined) {
    if (atFault === undefined)
      throw new RatingError(
        'a claim needs responsibility ("full", "partial", "none") or atFault',
        `${path}.responsibility`,
      );
    return atFault ? 'full' : 'none';
  }
  if (!RESPONSIBILITIES.includes(responsibility))
    throw new RatingError(`must be one of ${RESPONSIBILITIES.join(', ')}`, `${path}.responsibility`);
  if (atFault !== undefined && atFault !== (responsibility !== 'none'))
    throw new RatingError(`atFault ${atFault} contradicts responsibility "${responsibility}"`, `${path}.atFault`);
  return responsibility;
}

function isUnknown(driver: DriverFacts | UnknownDriver): driver is UnknownDriver {
  return (driver as Partial<UnknownDriver>).unknown === true;
}

function normalizeDriver(driver: DriverFacts | UnknownDriver, path: string, currency: string): DriverInput {
  if (typeof driver !== 'object' || driver === null) throw new RatingError('must be a driver object', path);
  const driverKey = text(driver.driverKey, `${path}.driverKey`);
  if (isUnknown(driver)) return { kind: 'unknown', driverKey, path };
  if (!Array.isArray(driver.claims)) throw new RatingError('must be an array', `${path}.claims`);
  if (!Array.isArray(driver.violations)) throw new RatingError('must be an array', `${path}.violations`);
  const periods = driver.priorInsurance?.periods;
  if (periods !== undefined && !Array.isArray(periods))
    throw new RatingError('must be an array', `${path}.priorInsurance.periods`);
  return {
    kind: 'known',
    driverKey,
    path,
    dateOfBirth: date(driver.dateOfBirth, `${path}.dateOfBirth`),
    licensedSince: date(driver.licensedSince, `${path}.licensedSince`),
    territory: text(driver.territory, `${path}.territory`),
    insuredPeriods:
      periods === undefined || periods.length === 0
        ? null
        : periods.map((period, i) => {
            const from = date(period.from, `${path}.priorInsurance.periods[${i}].from`);
            const last =
              period.to === undefined || period.to === null
                ? null
                : date(period.to, `${path}.priorInsurance.periods[${i}].to`);
            if (last !== null && compareDates(last, from) < 0)
              throw new RatingError('must be on or after from', `${path}.priorInsurance.periods[${i}].to`);
            return { from, to: last === null ? null : addDays(last, 1) };
          }),
    claims: driver.claims.map((claim, i) => {
      const at = `${path}.claims[${i}]`;
      const currencyProblem = claimCurrencyProblem(claim.currency, currency);
      if (currencyProblem !== undefined) throw new RatingError(currencyProblem, `${at}.currency`);
      return {
        date: date(claim.date, `${at}.date`),
        iso: claim.date,
        responsibility: responsibilityOf(claim, at),
        amountMinor: integer(claim.amountMinor, `${at}.amountMinor`, 0),
        currency,
      };
    }),
    violations: driver.violations.map((violation, i) => ({
      date: date(violation.date, `${path}.violations[${i}].date`),
      iso: violation.date,
      points: integer(violation.points, `${path}.violations[${i}].points`, 0, 100),
      code: text(violation.code, `${path}.violations[${i}].code`),
    })),
  };
}

function previousTerm(term: RatingTerm, path: string): PreviousTerm {
  const start = date(term.start, `${path}.start`);
  const end = date(term.end, `${path}.end`);
  if (compareDates(end, start) <= 0) throw new RatingError('must be after start', `${path}.end`);
  return {
    start,
    end,
    days: integer(term.days, `${path}.days`, 1),
    premiumMinor: integer(term.premiumMinor, `${path}.premiumMinor`, 0),
    tableVersion: text(term.tableVersion, `${path}.tableVersion`),
  };
}

/** `currency`: the table's; claims in another currency are refused. */
export function normalizeRequest(request: RatingRequest, currency: string): NormalizedRequest {
  const transferDate = date(request.transferDate, 'transferDate');
  const vehicle = request.vehicle;
  if (typeof vehicle !== 'object' || vehicle === null) throw new RatingError('is required', 'vehicle');
  if (!RATING_CLASSES.includes(vehicle.ratingClass))
    throw new RatingError(`must be one of ${RATING_CLASSES.join(', ')}`, 'vehicle.ratingClass');
  let lease: NormalizedRequest['lease'] = null;
  if (request.lease !== null) {
    if (typeof request.lease !== 'object') throw new RatingError('must be an object or null', 'lease');
    const startDate = date(request.lease.startDate, 'lease.startDate');
    const endDate = date(request.lease.endDate, 'lease.endDate');
    if (compareDates(endDate, startDate) <= 0) throw new RatingError('must be after lease.startDate', 'lease.endDate');
    if (!USAGES.includes(request.lease.usage))
      throw new RatingError(`must be one of ${USAGES.join(', ')}`, 'lease.usage');
    lease = {
      startDate,
      endDate,
      annualMileageKm: integer(request.lease.annualMileageKm, 'lease.annualMileageKm', 0),
      usage: request.lease.usage,
    };
  }
  if (!Array.isArray(request.drivers) || request.drivers.length === 0)
    throw new RatingError('must list at least one driver', 'drivers');
  if (request.drivers.length > MAX_DRIVERS)
    throw new RatingError(
      `lists ${request.drivers.length} drivers, more than ${MAX_DRIVERS} on one car: not a plausible lease`,
      'drivers',
    );
  const drivers = request.drivers.map((driver, i) => normalizeDriver(driver, `drivers[${i}]`, currency));
  drivers.sort((a, b) => (a.driverKey < b.driverKey ? -1 : a.driverKey > b.driverKey ? 1 : 0));
  drivers.forEach((driver, i) => {
    if (i > 0 && drivers[i - 1]!.driverKey === driver.driverKey)
      throw new RatingError(`driver ${driver.driverKey} is listed twice`, 'drivers');
  });
  let rerate: NormalizedRequest['rerate'] = null;
  if (request.rerate !== undefined) {
    const terms: readonly RatingTerm[] = request.rerate.previousTerms;
    if (!Array.isArray(terms)) throw new RatingError('must be an array', 'rerate.previousTerms');
    rerate = {
      effectiveDate: date(request.rerate.effectiveDate, 'rerate.effectiveDate'),
      previousTerms: terms.map((term: RatingTerm, i) => previousTerm(term, `rerate.previousTerms[${i}]`)),
    };
  }
  return {
    transferDate,
    rerate,
    vehicle: {
      modelYear: integer(vehicle.modelYear, 'vehicle.modelYear', 1900, 2200),
      valueMinor: integer(vehicle.valueMinor, 'vehicle.valueMinor', 1),
      currency: text(vehicle.currency, 'vehicle.currency'),
      ratingClass: vehicle.ratingClass,
    },
    lease,
    drivers,
    coverage: request.coverage ?? {},
  };
}
