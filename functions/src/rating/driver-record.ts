// The driver-record factor (model position 4) under the table's scheme:
//  MERIT  : f_DR = min(f_claims × f_points, cap), claims in `lookbackMonths` (at fault, paid ≥ minPaid), points in theirs;
//  CRM_FR : the French bonus-malus coefficient on every coverage, plus the novice / no-proof surcharge and
//           the aggravations on liability. The two schemes never combine (no double counting of claims).
import { lookupBand } from './bands';
import { computeCrm } from './crm';
import { addMonths, compareDates, completedYears, formatIsoDate, type CalendarDate } from './dates';
import { Dec, formatFactor, tableDecimal } from './decimal';
import { insuredAnyDay } from './prior-insurance';
import type { ClaimFact, DriverInput, ViolationFact } from './request';
import type { ComponentLine, FactorStep } from './steps';
import type { RateTable } from './table-schema';

export interface DriverRecordResult {
  steps: FactorStep[];
  components: ComponentLine[];
}

type MeritRecord = Extract<RateTable['driverRecord'], { scheme: 'MERIT' }>;
type CrmRecord = Extract<RateTable['driverRecord'], { scheme: 'CRM_FR' }>;

/** Incidents dated in [termStart - months, termStart): known at rating time, inside the lookback. */
export function inLookback(date: CalendarDate, termStart: CalendarDate, months: number): boolean {
  return compareDates(date, addMonths(termStart, -months)) >= 0 && compareDates(date, termStart) < 0;
}

export function describeClaim(claim: ClaimFact): string {
  return `claims[${claim.iso} ${claim.atFault ? 'at-fault' : 'not-at-fault'}]`;
}

export function describeViolation(violation: ViolationFact): string {
  return `violations[${violation.iso} ${violation.code} ${violation.points}pt]`;
}

function listOr(items: string[], none: string): string {
  return items.length > 0 ? items.join(', ') : none;
}

function meritRecord(driver: DriverInput, termStart: CalendarDate, record: MeritRecord, table: RateTable): DriverRecordResult {
  const at = formatIsoDate(termStart);
  let claimCount: number;
  let claimFact: string;
  let points: number;
  let pointsFact: string;
  if (driver.kind === 'known') {
    const minPaidMinor = new Dec(record.atFaultClaims.minPaid).times(new Dec(10).pow(table.minorUnitDigits));
    const counted = driver.claims.filter(
      (c) => c.atFault && minPaidMinor.lessThanOrEqualTo(c.amountMinor) && inLookback(c.date, termStart, record.atFaultClaims.lookbackMonths),
    );
    claimCount = counted.length;
    claimFact = listOr(counted.map(describeClaim), `no at-fault claims paid ≥ ${record.atFaultClaims.minPaid} in the ${record.atFaultClaims.lookbackMonths} months before ${at}`);
    const violations = driver.violations.filter((v) => inLookback(v.date, termStart, record.violationPoints.lookbackMonths));
    points = violations.reduce((sum, v) => sum + v.points, 0);
    pointsFact = listOr(violations.map(describeViolation), `no violations in the ${record.violationPoints.lookbackMonths} months before ${at}`);
  } else {
    claimCount = table.unknownDriver.profile.atFaultClaims5y;
    claimFact = `unknownDriver.profile.atFaultClaims5y=${claimCount}`;
    points = table.unknownDriver.profile.points3y;
    pointsFact = `unknownDriver.profile.points3y=${points}`;
  }
  const claims = lookupBand(record.atFaultClaims.bands, tableDecimal(claimCount), 'driverRecord.atFaultClaims', true);
  const pointsRow = lookupBand(record.violationPoints.bands, tableDecimal(points), 'driverRecord.violationPoints', true);
  const product = claims.value.times(pointsRow.value);
  const cap = tableDecimal(record.cap);
  const capped = product.greaterThan(cap);
  return {
    components: [
      { factor: 'atFaultClaims', value: claims.value, tableRow: claims.row, fact: claimFact, note: `${claimCount} counted` },
      { factor: 'violationPoints', value: pointsRow.value, tableRow: pointsRow.row, fact: pointsFact, note: `${points} point${points === 1 ? '' : 's'}` },
    ],
    steps: [
      {
        factor: 'driverRecord',
        appliesTo: record.appliesTo,
        value: capped ? cap : product,
        tableRow: capped ? `driverRecord.cap[${record.cap}]` : `${claims.row}×${pointsRow.row}`,
        fact: `${claimFact}; ${pointsFact}`,
        note: `${formatFactor(claims.value)} × ${formatFactor(pointsRow.value)} = ${formatFactor(product)}${capped ? `, capped at ${record.cap}` : `, under the cap ${record.cap}`}`,
      },
    ],
  };
}

function noviceSurcharge(driver: DriverInput, termStart: CalendarDate, record: CrmRecord, table: RateTable): { surcharge: Dec; fact: string } {
  const config = record.noviceOrNoProofSurcharge;
  const max = new Dec(config.max);
  if (driver.kind === 'unknown') {
    const profile = table.unknownDriver.profile;
    if (profile.yearsLicensed < config.noviceYears) {
      return { surcharge: max.dividedBy(new Dec(2).pow(profile.yearsLicensed)), fact: `unknownDriver.profile.yearsLicensed=${profile.yearsLicensed} (claim-free)` };
    }
    return profile.priorInsuranceGapDays === null
      ? { surcharge: max, fact: 'unknownDriver.profile.priorInsuranceGapDays=null (no proof of insurance)' }
      : { surcharge: new Dec(0), fact: `unknownDriver.profile.yearsLicensed=${profile.yearsLicensed}` };
  }
  const years = Math.max(0, completedYears(driver.licensedSince, termStart));
  if (years < config.noviceYears) {
    let claimFreeYears = 0;
    for (let k = 0; k < years; k += 1) {
      const start = addMonths(driver.licensedSince, 12 * k);
      const end = addMonths(driver.licensedSince, 12 * (k + 1));
      if (!driver.claims.some((c) => c.atFault && compareDates(c.date, start) >= 0 && compareDates(c.date, end) < 0)) claimFreeYears += 1;
    }
    return {
      surcharge: max.dividedBy(new Dec(2).pow(claimFreeYears)),
      fact: `licensedSince: ${years} completed years at ${formatIsoDate(termStart)}, ${claimFreeYears} claim-free`,
    };
  }
  const windowStart = addMonths(termStart, -config.noProofLookbackMonths);
  if (driver.insuredPeriods === null || !insuredAnyDay(driver.insuredPeriods, windowStart, termStart)) {
    return { surcharge: max, fact: `priorInsurance: no insured day in the ${config.noProofLookbackMonths} months before ${formatIsoDate(termStart)}` };
  }
  return { surcharge: new Dec(0), fact: `licensedSince: ${years} completed years, insured in the last ${config.noProofLookbackMonths} months` };
}

function aggravation(driver: DriverInput, termStart: CalendarDate, record: CrmRecord): { total: Dec; parts: string[]; facts: string[] } {
  if (driver.kind === 'unknown') return { total: new Dec(0), parts: [], facts: [] };
  const config = record.aggravations;
  const violations = driver.violations.filter((v) => config.byViolationCode[v.code] !== undefined && inLookback(v.date, termStart, config.lookbackMonths));
  const codes = [...new Set(violations.map((v) => v.code))].sort();
  const parts = codes.map((code) => `${code} +${new Dec(config.byViolationCode[code]!).times(100).toString()}%`);
  let total = codes.reduce((sum, code) => sum.plus(config.byViolationCode[code]!), new Dec(0));
  const facts = violations.map(describeViolation);
  const yearEnd = addMonths(termStart, -record.crm.referencePeriodEndsMonthsBefore);
  const lastYearClaims = driver.claims.filter((c) => c.atFault && compareDates(c.date, addMonths(yearEnd, -12)) >= 0 && compareDates(c.date, yearEnd) < 0);
  if (lastYearClaims.length >= 3) {
    total = total.plus(config.threePlusClaimsInYear);
    parts.push(`3+ responsible claims in the last reference year +${new Dec(config.threePlusClaimsInYear).times(100).toString()}%`);
    facts.push(...lastYearClaims.map(describeClaim));
  }
  return { total: Dec.min(total, config.totalMax), parts, facts };
}

function crmRecord(driver: DriverInput, termStart: CalendarDate, record: CrmRecord, table: RateTable): DriverRecordResult {
  const steps: FactorStep[] = [];
  if (driver.kind === 'known') {
    const responsible = driver.claims.filter((c) => c.atFault);
    const result = computeCrm(driver.licensedSince, responsible.map((c) => c.date), termStart, record.crm);
    const path = [record.crm.initial, ...result.years.map((y) => `${y.crm.toFixed(2)}${y.responsibleClaims > 0 ? ` (${y.responsibleClaims} claim${y.responsibleClaims > 1 ? 's' : ''}${y.forgiven ? ', first forgiven' : ''})` : ''}`)];
    steps.push({
      factor: 'driverRecord',
      appliesTo: record.crm.appliesTo,
      value: result.crm,
      tableRow: `driverRecord.crm[${result.years.length} reference years]`,
      fact: listOr(responsible.map(describeClaim), 'no responsible claims') + '; licensedSince',
      note: `CRM path ${path.join(' → ')}`,
    });
  } else {
    steps.push({
      factor: 'driverRecord',
      appliesTo: record.crm.appliesTo,
      value: new Dec(table.unknownDriver.profile.crm),
      tableRow: 'unknownDriver.profile.crm',
      fact: `unknownDriver.profile.crm=${table.unknownDriver.profile.crm}`,
    });
  }
  const novice = noviceSurcharge(driver, termStart, record, table);
  steps.push({
    factor: 'noviceSurcharge',
    appliesTo: record.noviceOrNoProofSurcharge.appliesTo,
    value: novice.surcharge.plus(1),
    tableRow: `driverRecord.noviceOrNoProofSurcharge[+${novice.surcharge.times(100).toString()}%]`,
    fact: novice.fact,
  });
  const aggravations = aggravation(driver, termStart, record);
  steps.push({
    factor: 'aggravation',
    appliesTo: record.aggravations.appliesTo,
    value: aggravations.total.plus(1),
    tableRow: `driverRecord.aggravations[${aggravations.parts.length > 0 ? aggravations.parts.join(', ') : 'none'}]`,
    fact: listOr(aggravations.facts, `no aggravating circumstances in the ${record.aggravations.lookbackMonths} months before ${formatIsoDate(termStart)}`),
    note: aggravations.total.greaterThanOrEqualTo(record.aggravations.totalMax) ? `capped at +${new Dec(record.aggravations.totalMax).times(100).toString()}%` : undefined,
  });
  return { steps, components: [] };
}

export function driverRecord(driver: DriverInput, termStart: CalendarDate, table: RateTable): DriverRecordResult {
  const record = table.driverRecord;
  return record.scheme === 'MERIT' ? meritRecord(driver, termStart, record, table) : crmRecord(driver, termStart, record, table);
}
