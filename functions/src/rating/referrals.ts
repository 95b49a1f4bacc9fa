// Underwriting referral conditions on a driver's facts at the transfer date: the result is REFER
// (still priced) with a reason. They hold whatever factors the table enables: implausible facts are
// referred even when no factor reads them.
import { completedYears, compareDates, formatIsoDate, type CalendarDate } from './dates';
import { describeViolation, inLookback, surchargedClaims } from './driver-record';
import type { DriverInput } from './request';
import type { RateTable } from './table-schema';

/** Referral look-backs named by the table fields (atFaultClaims5yAtLeast, points3yAtLeast, violationCodes36m). */
const REFERRAL_CLAIMS_MONTHS = 60;
const REFERRAL_POINTS_MONTHS = 36;
/** No jurisdiction licenses a car driver younger than this (South Dakota's restricted permit at 14 is the lowest in the US). */
export const MIN_LICENSING_AGE = 14;

function implausibleFacts(driver: Extract<DriverInput, { kind: 'known' }>, at: CalendarDate): string[] {
  const reasons: string[] = [];
  const transfer = formatIsoDate(at);
  if (compareDates(driver.licensedSince, at) > 0)
    reasons.push(`licensedSince ${formatIsoDate(driver.licensedSince)} is after the transfer date ${transfer}`);
  const age = completedYears(driver.dateOfBirth, at);
  if (age < MIN_LICENSING_AGE)
    reasons.push(`driver age ${age} at ${transfer} is below the minimum licensing age ${MIN_LICENSING_AGE}`);
  const ageLicensed = completedYears(driver.dateOfBirth, driver.licensedSince);
  if (ageLicensed < MIN_LICENSING_AGE)
    reasons.push(`licensed at age ${ageLicensed}, below the minimum licensing age ${MIN_LICENSING_AGE}`);
  return reasons;
}

export function driverReferrals(driver: DriverInput, at: CalendarDate, table: RateTable): string[] {
  if (driver.kind === 'unknown')
    return ["not in the drivers table: priced by the table's unknown-driver profile (unknownDriver)"];
  const reasons = implausibleFacts(driver, at);
  const referral = table.referral;
  for (const violation of driver.violations) {
    if (referral.violationCodes36m.includes(violation.code) && inLookback(violation.date, at, REFERRAL_POINTS_MONTHS)) {
      reasons.push(`${describeViolation(violation)} is a referral offence within ${REFERRAL_POINTS_MONTHS} months`);
    }
  }
  const points = driver.violations
    .filter((v) => inLookback(v.date, at, REFERRAL_POINTS_MONTHS))
    .reduce((sum, v) => sum + v.points, 0);
  if (points >= referral.points3yAtLeast)
    reasons.push(
      `${points} violation points within ${REFERRAL_POINTS_MONTHS} months (refer at ${referral.points3yAtLeast})`,
    );
  // The same claims the driver-record factor surcharges (at fault, paid at least the table's minimum).
  const claims = surchargedClaims(driver.claims, at, REFERRAL_CLAIMS_MONTHS, table).length;
  if (claims >= referral.atFaultClaims5yAtLeast)
    reasons.push(
      `${claims} surcharged at-fault claims within ${REFERRAL_CLAIMS_MONTHS} months (refer at ${referral.atFaultClaims5yAtLeast})`,
    );
  return reasons;
}
