// The driver-record factor (model position 4) under the table's scheme:
//  MERIT  : f_DR = min(f_claims × f_points, cap), claims in `lookbackMonths` (fully at fault, paid ≥ minPaid), points in theirs;
//  CRM_FR : the French bonus-malus coefficient on every coverage and the novice / no-proof surcharge on
//           liability (both multiply the reference premium: annex to A121-1 Art. 2), plus the A121-1-2
//           aggravations on liability, each a percentage of the reference premium added on top, their
//           total capped. The two schemes never combine (no double counting of claims).
import { lookupBand } from './bands';
import { computeCrm, type CrmClaim } from './crm';
import { addMonths, compareDates, completedYears, formatIsoDate, type CalendarDate } from './dates';
import { Dec, formatFactor, tableDecimal } from './decimal';
import { insuredAnyDay } from './prior-insurance';
import type { ClaimFact, DriverInput, ViolationFact } from './request';
import type { ComponentLine, FactorStep } from './steps';
import type { RateTable } from './table-schema';
import type { VehicleUsage } from './types';

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
  return `claims[${claim.iso} ${claim.responsibility === 'full' ? 'at-fault' : claim.responsibility === 'partial' ? 'partly at fault' : 'not-at-fault'}${claim.amountMinor === 0 ? ' unpaid' : ''}]`;
}

/** CRM_FR: responsible claims (fully or partly) that led to a payment; the only ones that move the coefficient. */
function crmClaims(claims: readonly ClaimFact[]): (ClaimFact & CrmClaim)[] {
  return claims.filter((c): c is ClaimFact & CrmClaim => c.responsibility !== 'none' && c.amountMinor > 0);
}

/** MERIT: fully at-fault claims paid at least the table's minimum (a smaller or unpaid claim is not surcharged). */
function meritCounts(claim: ClaimFact, record: MeritRecord, table: RateTable): boolean {
  return (
    claim.responsibility === 'full' &&
    new Dec(record.atFaultClaims.minPaid)
      .times(new Dec(10).pow(table.minorUnitDigits))
      .lessThanOrEqualTo(claim.amountMinor)
  );
}

/** The claims in the `months` before `at` that the table's driver-record factor surcharges (the claim-count referral counts these). */
export function surchargedClaims(
  claims: readonly ClaimFact[],
  at: CalendarDate,
  months: number,
  table: RateTable,
): ClaimFact[] {
  const record = table.driverRecord;
  const counted = record.scheme === 'MERIT' ? claims.filter((c) => meritCounts(c, record, table)) : crmClaims(claims);
  return counted.filter((c) => inLookback(c.date, at, months));
}

export function describeViolation(violation: ViolationFact): string {
  return `violations[${violation.iso} ${violation.code} ${violation.points}pt]`;
}

/** Incidents named in one breakdown line: the count is always exact, the list stops here (bounded record size). */
const MAX_LISTED = 5;

/** Reference years shown in the CRM path note. */
const MAX_PATH_YEARS = 20;

function listOr(items: string[], none: string): string {
  if (items.length === 0) return none;
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

function meritRecord(
  driver: DriverInput,
  termStart: CalendarDate,
  record: MeritRecord,
  table: RateTable,
): DriverRecordResult {
  const at = formatIsoDate(termStart);
  let claimCount: number;
  let claimFact: string;
  let points: number;
  let pointsFact: string;
  if (driver.kind === 'known') {
    const counted = surchargedClaims(driver.claims, termStart, record.atFaultClaims.lookbackMonths, table);
    claimCount = counted.length;
    claimFact = listOr(
      counted.map(describeClaim),
      `no fully at-fault claims paid ≥ ${record.atFaultClaims.minPaid} in the ${record.atFaultClaims.lookbackMonths} months before ${at}`,
    );
    const violations = driver.violations.filter((v) =>
      inLookback(v.date, termStart, record.violationPoints.lookbackMonths),
    );
    points = violations.reduce((sum, v) => sum + v.points, 0);
    pointsFact = listOr(
      violations.map(describeViolation),
      `no violations in the ${record.violationPoints.lookbackMonths} months before ${at}`,
    );
  } else {
    claimCount = table.unknownDriver.profile.atFaultClaims5y;
    claimFact = `unknownDriver.profile.atFaultClaims5y=${claimCount}`;
    points = table.unknownDriver.profile.points3y;
    pointsFact = `unknownDriver.profile.points3y=${points}`;
  }
  const claims = lookupBand(record.atFaultClaims.bands, tableDecimal(claimCount), 'driverRecord.atFaultClaims', true);
  const pointsRow = lookupBand(
    record.violationPoints.bands,
    tableDecimal(points),
    'driverRecord.violationPoints',
    true,
  );
  const product = claims.value.times(pointsRow.value);
  const cap = tableDecimal(record.cap);
  const capped = product.greaterThan(cap);
  return {
    components: [
      {
        factor: 'atFaultClaims',
        value: claims.value,
        tableRow: claims.row,
        fact: claimFact,
        note: `${claimCount} counted`,
      },
      {
        factor: 'violationPoints',
        value: pointsRow.value,
        tableRow: pointsRow.row,
        fact: pointsFact,
        note: `${points} point${points === 1 ? '' : 's'}`,
      },
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

function noviceSurcharge(
  driver: DriverInput,
  termStart: CalendarDate,
  record: CrmRecord,
  table: RateTable,
): { surcharge: Dec; fact: string } {
  const config = record.noviceOrNoProofSurcharge;
  const max = new Dec(config.max);
  if (driver.kind === 'unknown') {
    const profile = table.unknownDriver.profile;
    if (profile.yearsLicensed < config.noviceYears) {
      return {
        surcharge: max.dividedBy(new Dec(2).pow(profile.yearsLicensed)),
        fact: `unknownDriver.profile.yearsLicensed=${profile.yearsLicensed} (claim-free)`,
      };
    }
    return profile.priorInsuranceGapDays === null
      ? { surcharge: max, fact: 'unknownDriver.profile.priorInsuranceGapDays=null (no proof of insurance)' }
      : { surcharge: new Dec(0), fact: `unknownDriver.profile.yearsLicensed=${profile.yearsLicensed}` };
  }
  const years = Math.max(0, completedYears(driver.licensedSince, termStart));
  if (years < config.noviceYears) {
    const responsible = crmClaims(driver.claims);
    let claimFreeYears = 0;
    for (let k = 0; k < years; k += 1) {
      const start = addMonths(driver.licensedSince, 12 * k);
      const end = addMonths(driver.licensedSince, 12 * (k + 1));
      if (!responsible.some((c) => compareDates(c.date, start) >= 0 && compareDates(c.date, end) < 0))
        claimFreeYears += 1;
    }
    return {
      surcharge: max.dividedBy(new Dec(2).pow(claimFreeYears)),
      fact: `licensedSince: ${years} completed years at ${formatIsoDate(termStart)}, ${claimFreeYears} claim-free`,
    };
  }
  const windowStart = addMonths(termStart, -config.noProofLookbackMonths);
  if (driver.insuredPeriods === null || !insuredAnyDay(driver.insuredPeriods, windowStart, termStart)) {
    return {
      surcharge: max,
      fact: `priorInsurance: no insured day in the ${config.noProofLookbackMonths} months before ${formatIsoDate(termStart)}`,
    };
  }
  return {
    surcharge: new Dec(0),
    fact: `licensedSince: ${years} completed years, insured in the last ${config.noProofLookbackMonths} months`,
  };
}

function aggravation(
  driver: DriverInput,
  termStart: CalendarDate,
  record: CrmRecord,
): { total: Dec; parts: string[]; facts: string[] } {
  if (driver.kind === 'unknown') return { total: new Dec(0), parts: [], facts: [] };
  const config = record.aggravations;
  const violations = driver.violations.filter(
    (v) => config.byViolationCode[v.code] !== undefined && inLookback(v.date, termStart, config.lookbackMonths),
  );
  const codes = [...new Set(violations.map((v) => v.code))].sort();
  const parts = codes.map((code) => `${code} +${new Dec(config.byViolationCode[code]!).times(100).toString()}%`);
  let total = codes.reduce((sum, code) => sum.plus(config.byViolationCode[code]!), new Dec(0));
  const facts = violations.map(describeViolation);
  const yearEnd = addMonths(termStart, -record.crm.referencePeriodEndsMonthsBefore);
  const lastYearClaims = crmClaims(driver.claims).filter(
    (c) => compareDates(c.date, addMonths(yearEnd, -12)) >= 0 && compareDates(c.date, yearEnd) < 0,
  );
  if (lastYearClaims.length >= 3) {
    total = total.plus(config.threePlusClaimsInYear);
    parts.push(
      `3+ responsible claims in the last reference year +${new Dec(config.threePlusClaimsInYear).times(100).toString()}%`,
    );
    facts.push(...lastYearClaims.map(describeClaim));
  }
  return { total: Dec.min(total, config.totalMax), parts, facts };
}

function yearLabel(year: {
  crm: Dec;
  responsibleClaims: number;
  partialClaims: number;
  insured: boolean;
  forgiven: boolean;
}): string {
  const events: string[] = [];
  if (year.responsibleClaims > 0)
    events.push(`${year.responsibleClaims} claim${year.responsibleClaims > 1 ? 's' : ''}`);
  if (year.partialClaims > 0) events.push(`${year.partialClaims} partly responsible`);
  if (year.forgiven) events.push('first forgiven');
  if (events.length === 0 && !year.insured) events.push('not insured: unchanged');
  return `${year.crm.toFixed(2)}${events.length > 0 ? ` (${events.join(', ')})` : ''}`;
}

function crmRecord(
  driver: DriverInput,
  termStart: CalendarDate,
  usage: VehicleUsage,
  record: CrmRecord,
  table: RateTable,
): DriverRecordResult {
  const steps: FactorStep[] = [];
  if (driver.kind === 'known') {
    const responsible = crmClaims(driver.claims);
    const allTrips = record.crm.allTripsUsages.includes(usage);
    const result = computeCrm(
      { insuredPeriods: driver.insuredPeriods, claims: responsible, allTrips },
      termStart,
      record.crm,
    );
    const labels = result.years.map(yearLabel);
    // The last MAX_PATH_YEARS years explain the coefficient; older ones are counted, not listed (bounded line size).
    const path =
      labels.length > MAX_PATH_YEARS
        ? [record.crm.initial, `… ${labels.length - MAX_PATH_YEARS} earlier years`, ...labels.slice(-MAX_PATH_YEARS)]
        : [record.crm.initial, ...labels];
    const insuredYears = result.years.filter((y) => y.insured).length;
    steps.push({
      factor: 'driverRecord',
      appliesTo: record.crm.appliesTo,
      kind: 'coefficient',
      value: result.crm,
      tableRow: `driverRecord.crm[${result.years.length} reference years, ${insuredYears} insured${allTrips ? ', tous déplacements' : ''}]`,
      fact: `${listOr(responsible.map(describeClaim), 'no responsible paid claims')}; priorInsurance.periods`,
      note: `CRM path ${path.join(' → ')}`,
    });
  } else {
    steps.push({
      factor: 'driverRecord',
      appliesTo: record.crm.appliesTo,
      kind: 'coefficient',
      value: new Dec(table.unknownDriver.profile.crm),
      tableRow: 'unknownDriver.profile.crm',
      fact: `unknownDriver.profile.crm=${table.unknownDriver.profile.crm}`,
    });
  }
  const novice = noviceSurcharge(driver, termStart, record, table);
  steps.push({
    factor: 'noviceSurcharge',
    appliesTo: record.noviceOrNoProofSurcharge.appliesTo,
    kind: 'coefficient',
    value: novice.surcharge.plus(1),
    tableRow: `driverRecord.noviceOrNoProofSurcharge[+${novice.surcharge.times(100).toString()}%]`,
    fact: novice.fact,
  });
  const aggravations = aggravation(driver, termStart, record);
  const capped = aggravations.total.greaterThanOrEqualTo(record.aggravations.totalMax);
  steps.push({
    factor: 'aggravation',
    appliesTo: record.aggravations.appliesTo,
    kind: 'referenceSurcharge',
    value: aggravations.total,
    tableRow: `driverRecord.aggravations[${aggravations.parts.length > 0 ? aggravations.parts.join(', ') : 'none'}]`,
    fact: listOr(
      aggravations.facts,
      `no aggravating circumstances in the ${record.aggravations.lookbackMonths} months before ${formatIsoDate(termStart)}`,
    ),
    note: `+${aggravations.total.times(100).toString()}% of the reference premium, added after the coefficients${capped ? `; capped at +${new Dec(record.aggravations.totalMax).times(100).toString()}%` : ''}`,
  });
  return { steps, components: [] };
}

/** `usage`: the contract's usage (the CRM's "tous déplacements" reduction depends on it). */
export function driverRecord(
  driver: DriverInput,
  termStart: CalendarDate,
  usage: VehicleUsage,
  table: RateTable,
): DriverRecordResult {
  const record = table.driverRecord;
  return record.scheme === 'MERIT'
    ? meritRecord(driver, termStart, record, table)
    : crmRecord(driver, termStart, usage, record, table);
}
