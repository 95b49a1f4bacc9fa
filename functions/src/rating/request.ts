// Validates a RatingRequest at the engine's edge (the caller is typed, but the data came from a
// ledger and a back office) and turns ISO strings into calendar dates. Bad input -> RatingError
// naming the field.
import { compareDates, parseIsoDate, type CalendarDate } from './dates';
import { RatingError, type DriverFacts, type RatingRequest, type UnknownDriver, type VehicleRatingClass, type VehicleUsage } from './types';

export interface ClaimFact {
  date: CalendarDate;
  iso: string;
  atFault: boolean;
  amountMinor: number;
}
export interface ViolationFact {
  date: CalendarDate;
  iso: string;
  points: number;
  code: string;
}
export interface InsuredPeriod {
  from: CalendarDate;
  to: CalendarDate | null;
}
export interface KnownDriver {
  kind: 'known';
  driverKey: string;
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
}
export type DriverInput = KnownDriver | UnknownDriverInput;

export interface NormalizedRequest {
  transferDate: CalendarDate;
  vehicle: { modelYear: number; valueMinor: number; currency: string; ratingClass: VehicleRatingClass };
  lease: { startDate: CalendarDate; endDate: CalendarDate; annualMileageKm: number; usage: VehicleUsage } | null;
  /** Sorted by driverKey so nothing downstream depends on the order the caller listed them in. */
  drivers: DriverInput[];
  coverage: { liabilityLimit?: string; collDeductible?: string; compDeductible?: string };
}

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

function isUnknown(driver: DriverFacts | UnknownDriver): driver is UnknownDriver {
  return (driver as Partial<UnknownDriver>).unknown === true;
}

function normalizeDriver(driver: DriverFacts | UnknownDriver, path: string): DriverInput {
  if (typeof driver !== 'object' || driver === null) throw new RatingError('must be a driver object', path);
  const driverKey = text(driver.driverKey, `${path}.driverKey`);
  if (isUnknown(driver)) return { kind: 'unknown', driverKey };
  if (!Array.isArray(driver.claims)) throw new RatingError('must be an array', `${path}.claims`);
  if (!Array.isArray(driver.violations)) throw new RatingError('must be an array', `${path}.violations`);
  const periods = driver.priorInsurance?.periods;
  if (periods !== undefined && !Array.isArray(periods)) throw new RatingError('must be an array', `${path}.priorInsurance.periods`);
  return {
    kind: 'known',
    driverKey,
    dateOfBirth: date(driver.dateOfBirth, `${path}.dateOfBirth`),
    licensedSince: date(driver.licensedSince, `${path}.licensedSince`),
    territory: text(driver.territory, `${path}.territory`),
    insuredPeriods:
      periods === undefined || periods.length === 0
        ? null
        : periods.map((period, i) => {
            const from = date(period.from, `${path}.priorInsurance.periods[${i}].from`);
            const to = period.to === undefined || period.to === null ? null : date(period.to, `${path}.priorInsurance.periods[${i}].to`);
            if (to !== null && compareDates(to, from) <= 0) throw new RatingError('must be after from', `${path}.priorInsurance.periods[${i}].to`);
            return { from, to };
          }),
    claims: driver.claims.map((claim, i) => {
      if (typeof claim.atFault !== 'boolean') throw new RatingError('must be a boolean', `${path}.claims[${i}].atFault`);
      return {
        date: date(claim.date, `${path}.claims[${i}].date`),
        iso: claim.date,
        atFault: claim.atFault,
        amountMinor: integer(claim.amountMinor, `${path}.claims[${i}].amountMinor`, 0),
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

export function normalizeRequest(request: RatingRequest): NormalizedRequest {
  const transferDate = date(request.transferDate, 'transferDate');
  const vehicle = request.vehicle;
  if (typeof vehicle !== 'object' || vehicle === null) throw new RatingError('is required', 'vehicle');
  if (!RATING_CLASSES.includes(vehicle.ratingClass)) throw new RatingError(`must be one of ${RATING_CLASSES.join(', ')}`, 'vehicle.ratingClass');
  let lease: NormalizedRequest['lease'] = null;
  if (request.lease !== null) {
    if (typeof request.lease !== 'object') throw new RatingError('must be an object or null', 'lease');
    const startDate = date(request.lease.startDate, 'lease.startDate');
    const endDate = date(request.lease.endDate, 'lease.endDate');
    if (compareDates(endDate, startDate) <= 0) throw new RatingError('must be after lease.startDate', 'lease.endDate');
    if (!USAGES.includes(request.lease.usage)) throw new RatingError(`must be one of ${USAGES.join(', ')}`, 'lease.usage');
    lease = { startDate, endDate, annualMileageKm: integer(request.lease.annualMileageKm, 'lease.annualMileageKm', 0), usage: request.lease.usage };
  }
  if (!Array.isArray(request.drivers) || request.drivers.length === 0) throw new RatingError('must list at least one driver', 'drivers');
  const drivers = request.drivers.map((driver, i) => normalizeDriver(driver, `drivers[${i}]`));
  drivers.sort((a, b) => (a.driverKey < b.driverKey ? -1 : a.driverKey > b.driverKey ? 1 : 0));
  drivers.forEach((driver, i) => {
    if (i > 0 && drivers[i - 1]!.driverKey === driver.driverKey) throw new RatingError(`driver ${driver.driverKey} is listed twice`, 'drivers');
  });
  return {
    transferDate,
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
