// Cross-field rules of one rate-table version, after its structure parsed: complete coverages,
// bands that tile their domain, factor bounds, lookups that cover every value the engine can ask for.
import { Dec } from './decimal';
import type { RateBand, RateTable } from './table-schema';
import { COVERAGES } from './types';

export interface TableIssue {
  path: string;
  message: string;
}

/** Every relativity must lie in [0.25, 5.00]: a guard against typos (a 0.025 or 50.0 is never meant). */
const FACTOR_MIN = new Dec('0.25');
const FACTOR_MAX = new Dec('5.00');

function checkFactor(value: string, path: string, issues: TableIssue[]): void {
  const factor = new Dec(value);
  if (factor.lessThan(FACTOR_MIN) || factor.greaterThan(FACTOR_MAX)) {
    issues.push({ path, message: `factor ${value} is outside [0.25, 5.00]` });
  }
}

/** Bands must be ordered, contiguous ([from, to) then [to, ...)), non-empty and end open (to = null). */
export function checkBands(
  bands: readonly RateBand[],
  path: string,
  issues: TableIssue[],
  mustStartAtZero = true,
): void {
  bands.forEach((band, index) => {
    const here = `${path}[${index}]`;
    const from = new Dec(band.from);
    if (index === 0 && mustStartAtZero && !from.isZero()) {
      issues.push({ path: `${here}.from`, message: `first band must start at 0, starts at ${String(band.from)}` });
    }
    if (band.to !== null && !new Dec(band.to).greaterThan(from)) {
      issues.push({
        path: `${here}.to`,
        message: `empty band: to ${String(band.to)} must be greater than from ${String(band.from)}`,
      });
    }
    const next = bands[index + 1];
    if (next !== undefined) {
      if (band.to === null) {
        issues.push({ path: `${here}.to`, message: 'only the last band may be open-ended (to = null)' });
      } else {
        const gap = new Dec(next.from).comparedTo(new Dec(band.to));
        if (gap > 0)
          issues.push({
            path: `${path}[${index + 1}].from`,
            message: `gap between ${String(band.to)} and ${String(next.from)}`,
          });
        if (gap < 0)
          issues.push({
            path: `${path}[${index + 1}].from`,
            message: `overlap: starts at ${String(next.from)} before the previous band ends at ${String(band.to)}`,
          });
      }
    } else if (band.to !== null) {
      issues.push({
        path: `${here}.to`,
        message: `the last band must be open-ended (to = null), ends at ${String(band.to)}`,
      });
    }
    checkFactor(band.value, `${here}.value`, issues);
  });
}

function checkMoneyPrecision(value: string, path: string, table: RateTable, issues: TableIssue[]): void {
  if (new Dec(value).decimalPlaces() > table.minorUnitDigits) {
    issues.push({
      path,
      message: `${value} has more decimals than ${table.currency} minor units (${table.minorUnitDigits})`,
    });
  }
}

function checkKeys(
  values: Record<string, string>,
  required: readonly string[],
  path: string,
  issues: TableIssue[],
): void {
  for (const key of required) {
    if (values[key] === undefined) issues.push({ path, message: `missing value for "${key}"` });
  }
  for (const [key, value] of Object.entries(values)) checkFactor(value, `${path}.${key}`, issues);
}

function checkAppliesTo(
  appliesTo: readonly string[],
  coverages: readonly string[],
  path: string,
  issues: TableIssue[],
): void {
  for (const coverage of appliesTo) {
    if (!coverages.includes(coverage))
      issues.push({ path, message: `applies to ${coverage}, which is not in coverages` });
  }
}

export function checkTableRules(table: RateTable): TableIssue[] {
  const issues: TableIssue[] = [];
  if (table.effectiveTo !== null && table.effectiveTo <= table.effectiveFrom) {
    issues.push({ path: 'effectiveTo', message: `must be after effectiveFrom ${table.effectiveFrom}` });
  }
  if (new Dec(table.rounding.unit).decimalPlaces() > table.minorUnitDigits) {
    issues.push({ path: 'rounding.unit', message: `finer than ${table.currency} minor units` });
  }

  // The engine prices every coverage; a table without one of them cannot produce a premium.
  for (const coverage of COVERAGES) {
    if (!table.coverages.includes(coverage))
      issues.push({ path: 'coverages', message: `missing coverage ${coverage}` });
    const base = table.baseRates[coverage];
    if (base === undefined) issues.push({ path: 'baseRates', message: `missing base rate for coverage ${coverage}` });
    else if (new Dec(base).isZero())
      issues.push({ path: `baseRates.${coverage}`, message: 'base rate must be positive' });
  }
  for (const [key, value] of Object.entries(table.baseRates)) {
    if (!(table.coverages as readonly string[]).includes(key))
      issues.push({ path: `baseRates.${key}`, message: 'not a rated coverage' });
    checkMoneyPrecision(value, `baseRates.${key}`, table, issues);
  }
  checkMoneyPrecision(table.fees.policyFee, 'fees.policyFee', table, issues);
  checkMoneyPrecision(table.minimumPremium.annual, 'minimumPremium.annual', table, issues);
  checkMoneyPrecision(table.minimumPremium.term, 'minimumPremium.term', table, issues);
  // A full-year term must equal the annual premium, so the term minimum cannot exceed the annual one.
  if (new Dec(table.minimumPremium.term).greaterThan(table.minimumPremium.annual)) {
    issues.push({ path: 'minimumPremium.term', message: 'must not exceed minimumPremium.annual' });
  }

  const record = table.driverRecord;
  if (record.scheme === 'MERIT') {
    checkAppliesTo(record.appliesTo, table.coverages, 'driverRecord.appliesTo', issues);
    checkFactor(record.cap, 'driverRecord.cap', issues);
    checkBands(record.atFaultClaims.bands, 'driverRecord.atFaultClaims.bands', issues);
    checkBands(record.violationPoints.bands, 'driverRecord.violationPoints.bands', issues);
  } else {
    checkAppliesTo(record.crm.appliesTo, table.coverages, 'driverRecord.crm.appliesTo', issues);
    checkAppliesTo(
      record.noviceOrNoProofSurcharge.appliesTo,
      table.coverages,
      'driverRecord.noviceOrNoProofSurcharge.appliesTo',
      issues,
    );
    checkAppliesTo(record.aggravations.appliesTo, table.coverages, 'driverRecord.aggravations.appliesTo', issues);
    for (const key of ['initial', 'floor', 'cap'] as const)
      checkFactor(record.crm[key], `driverRecord.crm.${key}`, issues);
    if (new Dec(record.crm.floor).greaterThan(record.crm.cap))
      issues.push({ path: 'driverRecord.crm.floor', message: 'floor above cap' });
  }

  const f = table.factors;
  checkAppliesTo(f.territory.appliesTo, table.coverages, 'factors.territory.appliesTo', issues);
  checkKeys(
    f.territory.values,
    [table.unknownDriver.profile.territory, ...Object.keys(f.territory.jurisdictions)],
    'factors.territory.values',
    issues,
  );
  for (const name of [
    'driverAge',
    'yearsLicensed',
    'priorInsurance',
    'annualMileage',
    'vehicleSymbol',
    'vehicleAge',
  ] as const) {
    checkAppliesTo(f[name].appliesTo, table.coverages, `factors.${name}.appliesTo`, issues);
    checkBands(f[name].bands, `factors.${name}.bands`, issues, name !== 'driverAge');
  }
  checkFactor(f.priorInsurance.noPriorInsurance, 'factors.priorInsurance.noPriorInsurance', issues);
  checkAppliesTo(f.usage.appliesTo, table.coverages, 'factors.usage.appliesTo', issues);
  checkKeys(f.usage.values, ['pleasure', 'commute', 'business'], 'factors.usage.values', issues);
  checkAppliesTo(f.vehicleLiabilityClass.appliesTo, table.coverages, 'factors.vehicleLiabilityClass.appliesTo', issues);
  checkKeys(
    f.vehicleLiabilityClass.values,
    ['standard', 'large', 'high-performance'],
    'factors.vehicleLiabilityClass.values',
    issues,
  );
  checkAppliesTo(f.liabilityLimit.appliesTo, table.coverages, 'factors.liabilityLimit.appliesTo', issues);
  checkKeys(f.liabilityLimit.values, [f.liabilityLimit.default], 'factors.liabilityLimit.values', issues);
  checkAppliesTo(f.deductible.appliesTo, table.coverages, 'factors.deductible.appliesTo', issues);
  for (const coverage of f.deductible.appliesTo) {
    const values = f.deductible.values[coverage];
    const chosen = f.deductible.default[coverage];
    if (values === undefined)
      issues.push({ path: 'factors.deductible.values', message: `missing deductibles for coverage ${coverage}` });
    if (chosen === undefined)
      issues.push({
        path: 'factors.deductible.default',
        message: `missing default deductible for coverage ${coverage}`,
      });
    if (values !== undefined)
      checkKeys(values, chosen === undefined ? [] : [chosen], `factors.deductible.values.${coverage}`, issues);
  }
  return issues;
}
