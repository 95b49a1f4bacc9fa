// rate(): the new lessee(s) rated as new business from the transfer date, every owner of the output
// rated on their own, the highest-risk one charged, every step explained (rating-model.md §7).
import { addMonths, compareDates, formatIsoDate, type CalendarDate } from './dates';
import { Dec, formatFactor, formatMoney, fromMinor, toMinor } from './decimal';
import { describeViolation, inLookback } from './driver-record';
import { termFactors, type TermFactors } from './factors';
import { annualPremium, termPremium, type AnnualPremium, type TermPremium } from './premium';
import { normalizeRequest, type DriverInput, type NormalizedRequest } from './request';
import type { RateTable, RateTableSet } from './table-schema';
import { splitTerms, type PolicyTerm } from './terms';
import { RatingError, type BreakdownLine, type RatingRequest, type RatingResult } from './types';

/** Guard against absurd lease end dates; the table's referral.maxLeaseTerms refers far earlier. */
const MAX_TERMS = 50;
/** Referral look-backs named by the table fields (atFaultClaims5yAtLeast, points3yAtLeast, violationCodes36m). */
const REFERRAL_CLAIMS_MONTHS = 60;
const REFERRAL_POINTS_MONTHS = 36;

interface VersionInForce {
  table: RateTable;
  sha256: string;
}

interface RatedTerm {
  term: PolicyTerm;
  version: VersionInForce;
  factors: TermFactors;
  annual: AnnualPremium;
  premium: TermPremium;
}

interface RatedDriver {
  driver: DriverInput;
  /** At the transfer date (= the first term when there is one). */
  first: { version: VersionInForce; factors: TermFactors; annual: AnnualPremium };
  terms: RatedTerm[];
  leaseTotal: Dec;
  reasons: string[];
}

/** The version whose [effectiveFrom, effectiveTo) contains the date (a term start); `path` names the input that led there. */
function versionAt(tables: RateTableSet, date: CalendarDate, path: string): VersionInForce {
  const iso = formatIsoDate(date);
  const found = tables.versions.find((v) => v.table.effectiveFrom <= iso && (v.table.effectiveTo === null || iso < v.table.effectiveTo));
  if (!found) throw new RatingError(`no version of rate table ${tables.id} is in force on ${iso}`, path);
  return found;
}

function withBasis(term: PolicyTerm, table: RateTable): PolicyTerm {
  return table.proration.basis === 'ACTUAL_365F' ? { ...term, yearDays: 365 } : term;
}

function money(value: Dec, table: RateTable): string {
  return `${formatMoney(value, table)} ${table.currency}`;
}

/** Underwriting referral conditions (§7.3 step 1) on the driver's facts at the transfer date. */
function driverReferrals(driver: DriverInput, at: CalendarDate, table: RateTable): string[] {
  if (driver.kind === 'unknown') return ['not in the drivers table: priced by the table\'s unknown-driver profile (unknownDriver)'];
  const reasons: string[] = [];
  const referral = table.referral;
  for (const violation of driver.violations) {
    if (referral.violationCodes36m.includes(violation.code) && inLookback(violation.date, at, REFERRAL_POINTS_MONTHS)) {
      reasons.push(`${describeViolation(violation)} is a referral offence within ${REFERRAL_POINTS_MONTHS} months`);
    }
  }
  const points = driver.violations.filter((v) => inLookback(v.date, at, REFERRAL_POINTS_MONTHS)).reduce((sum, v) => sum + v.points, 0);
  if (points >= referral.points3yAtLeast) reasons.push(`${points} violation points within ${REFERRAL_POINTS_MONTHS} months (refer at ${referral.points3yAtLeast})`);
  const claims = driver.claims.filter((c) => c.atFault && inLookback(c.date, at, REFERRAL_CLAIMS_MONTHS)).length;
  if (claims >= referral.atFaultClaims5yAtLeast) reasons.push(`${claims} at-fault claims within ${REFERRAL_CLAIMS_MONTHS} months (refer at ${referral.atFaultClaims5yAtLeast})`);
  return reasons;
}

function rateDriver(driver: DriverInput, request: NormalizedRequest, tables: RateTableSet, terms: PolicyTerm[]): RatedDriver {
  const ratedTerms = terms.map((term, index): RatedTerm => {
    const version = versionAt(tables, term.start, index === 0 ? 'transferDate' : 'lease.endDate');
    const factors = termFactors(driver, term.start, request, version.table);
    const annual = annualPremium(factors.steps, version.table);
    const withDays = withBasis(term, version.table);
    return { term: withDays, version, factors, annual, premium: termPremium(annual, withDays, version.table) };
  });
  const firstTerm = ratedTerms[0];
  let first: RatedDriver['first'];
  if (firstTerm) {
    first = { version: firstTerm.version, factors: firstTerm.factors, annual: firstTerm.annual };
  } else {
    const version = versionAt(tables, request.transferDate, 'transferDate');
    const factors = termFactors(driver, request.transferDate, request, version.table);
    first = { version, factors, annual: annualPremium(factors.steps, version.table) };
  }
  const reasons = [...driverReferrals(driver, request.transferDate, first.version.table), ...first.factors.reasons];
  return { driver, first, terms: ratedTerms, leaseTotal: ratedTerms.reduce((sum, t) => sum.plus(t.premium.total), new Dec(0)), reasons };
}

/** Highest annual premium; ties -> higher lease total, then the smallest driverKey (order-independent). */
function riskier(a: RatedDriver, b: RatedDriver): RatedDriver {
  const byAnnual = a.first.annual.annual.comparedTo(b.first.annual.annual);
  if (byAnnual !== 0) return byAnnual > 0 ? a : b;
  const byTotal = a.leaseTotal.comparedTo(b.leaseTotal);
  if (byTotal !== 0) return byTotal > 0 ? a : b;
  return a.driver.driverKey <= b.driver.driverKey ? a : b;
}

function driverLabel(driver: DriverInput): string {
  return driver.kind === 'unknown' ? `driver[${driver.driverKey} unknown]` : `driver[${driver.driverKey}]`;
}

function annualLines(rated: RatedDriver): BreakdownLine[] {
  const { table } = rated.first.version;
  const { annual, factors } = rated.first;
  const lines: BreakdownLine[] = factors.components.map((c) => ({
    step: 'driverRecordComponent',
    factor: c.factor,
    value: formatFactor(c.value),
    source: { driverFact: c.fact, tableRow: c.tableRow, note: c.note },
  }));
  for (const coverage of annual.coverages) {
    lines.push({
      step: 'baseRate',
      coverage: coverage.coverage,
      value: formatMoney(coverage.base, table),
      amountMinor: toMinor(coverage.base, table),
      source: { tableRow: `baseRates.${coverage.coverage}` },
    });
    for (const { step, running } of coverage.steps) {
      lines.push({
        step: 'factor',
        coverage: coverage.coverage,
        factor: step.factor,
        value: formatFactor(step.value),
        running: formatFactor(running),
        source: { driverFact: step.fact, tableRow: step.tableRow, note: step.note },
      });
    }
    lines.push({
      step: 'coveragePremium',
      coverage: coverage.coverage,
      value: formatMoney(coverage.annual, table),
      amountMinor: toMinor(coverage.annual, table),
      source: { note: `R(${coverage.exact.toString()}) with ${table.rounding.mode} to ${table.rounding.unit}` },
    });
  }
  lines.push({ step: 'policyFee', value: formatMoney(annual.fee, table), amountMinor: toMinor(annual.fee, table), source: { tableRow: 'fees.policyFee' } });
  if (annual.minAdj.greaterThan(0)) {
    lines.push({
      step: 'minimumPremiumAdjustment',
      value: formatMoney(annual.minAdj, table),
      amountMinor: toMinor(annual.minAdj, table),
      source: { tableRow: `minimumPremium.annual[${table.minimumPremium.annual}]`, note: 'MIN_ADJ lifts the annual premium to the table minimum' },
    });
  }
  lines.push({
    step: 'annualPremium',
    value: formatMoney(annual.annual, table),
    amountMinor: toMinor(annual.annual, table),
    source: { tableRow: `${table.id}@${table.version}`, note: `coverage premiums + fee${annual.minAdj.greaterThan(0) ? ' + MIN_ADJ' : ''}` },
  });
  return lines;
}

function stepKey(step: { factor: string; appliesTo: readonly string[] }): string {
  return `${step.factor}:${step.appliesTo.join(',')}`;
}

function termLines(rated: RatedDriver): BreakdownLine[] {
  const lines: BreakdownLine[] = [];
  const firstSteps = new Map(rated.first.factors.steps.map((s) => [stepKey(s), s]));
  rated.terms.forEach((t, index) => {
    const { table } = t.version;
    const label = `term ${index + 1} [${formatIsoDate(t.term.start)}, ${formatIsoDate(t.term.end)})`;
    for (const step of t.factors.steps) {
      const before = firstSteps.get(stepKey(step));
      if (index > 0 && (!before || before.tableRow !== step.tableRow || !before.value.equals(step.value))) {
        lines.push({
          step: 'termFactor',
          factor: step.factor,
          value: formatFactor(step.value),
          source: { driverFact: step.fact, tableRow: step.tableRow, note: `${label}: re-rated at the term start (was ${before ? `${before.tableRow} ${formatFactor(before.value)}` : 'absent'})` },
        });
      }
    }
    const ratio = `${t.term.days}/${t.term.yearDays} days`;
    for (const c of t.premium.coverages) {
      lines.push({ step: 'termCoverage', coverage: c.coverage, value: formatMoney(c.amount, table), amountMinor: toMinor(c.amount, table), source: { note: `${label}: R(annual × ${ratio})` } });
    }
    if (t.premium.minAdj.greaterThan(0)) {
      lines.push({ step: 'termMinimumPremiumAdjustment', value: formatMoney(t.premium.minAdj, table), amountMinor: toMinor(t.premium.minAdj, table), source: { note: `${label}: MIN_ADJ × ${ratio}` } });
    }
    lines.push({
      step: 'termPolicyFee',
      value: formatMoney(t.premium.fee, table),
      amountMinor: toMinor(t.premium.fee, table),
      source: { tableRow: 'fees.policyFee', note: `${label}: ${table.proration.prorateFee ? 'prorated' : 'fully earned, not prorated'}` },
    });
    if (t.premium.minTermAdj.greaterThan(0)) {
      lines.push({
        step: 'termMinimumAdjustment',
        value: formatMoney(t.premium.minTermAdj, table),
        amountMinor: toMinor(t.premium.minTermAdj, table),
        source: { tableRow: `minimumPremium.term[${table.minimumPremium.term}]`, note: `${label}: MIN_TERM_ADJ` },
      });
    }
    lines.push({
      step: 'termPremium',
      value: formatMoney(t.premium.total, table),
      amountMinor: toMinor(t.premium.total, table),
      source: { tableRow: `${table.id}@${table.version}`, note: `${label}: ${ratio}, annual at term start ${formatMoney(t.annual.annual, table)}` },
    });
  });
  return lines;
}

export function rate(request: RatingRequest, tables: RateTableSet): RatingResult {
  const req = normalizeRequest(request);
  const atTransfer = versionAt(tables, req.transferDate, 'transferDate').table;
  if (req.vehicle.currency !== atTransfer.currency) {
    throw new RatingError(`${req.vehicle.currency} cannot be priced by rate table ${tables.id}, which prices ${atTransfer.currency}`, 'vehicle.currency');
  }

  const reasons: string[] = [];
  let end: CalendarDate;
  if (req.lease === null) {
    end = addMonths(req.transferDate, atTransfer.defaultLease.termMonths);
    reasons.push(`lease terms missing: priced one ${atTransfer.defaultLease.termMonths}-month term from the transfer date with the table's default lease (defaultLease)`);
  } else {
    end = req.lease.endDate;
    if (compareDates(req.transferDate, end) >= 0) {
      reasons.push(`no lease terms: transfer date ${formatIsoDate(req.transferDate)} is on or after the lease end ${formatIsoDate(end)}; annual premium only`);
    }
  }
  const terms = compareDates(req.transferDate, end) < 0 ? splitTerms(req.transferDate, end, MAX_TERMS) : [];
  if (terms.length > atTransfer.referral.maxLeaseTerms) {
    reasons.push(`the remaining lease needs ${terms.length} policy terms, more than ${atTransfer.referral.maxLeaseTerms}`);
  }
  const valueNew = fromMinor(req.vehicle.valueMinor, atTransfer);
  if (valueNew.greaterThan(atTransfer.referral.valueNewAbove)) {
    reasons.push(`vehicle price new ${money(valueNew, atTransfer)} is above ${money(new Dec(atTransfer.referral.valueNewAbove), atTransfer)}`);
  }

  // Drivers arrive sorted by driverKey (normalizeRequest): selection and reasons are order-independent.
  const rated = req.drivers.map((driver) => rateDriver(driver, req, tables, terms));
  const chosen = rated.reduce(riskier);
  for (const r of rated) reasons.push(...r.reasons.map((reason) => `driver ${r.driver.driverKey}: ${reason}`));
  for (const annual of [chosen.first, ...chosen.terms]) {
    const { table } = annual.version;
    if (annual.annual.annual.greaterThan(table.referral.annualPremiumAbove)) {
      reasons.push(`annual premium ${money(annual.annual.annual, table)} is above ${money(new Dec(table.referral.annualPremiumAbove), table)}`);
    }
  }
  const reviewReasons = [...new Set(reasons)];

  const firstTable = chosen.first.version.table;
  const selection: BreakdownLine[] = rated.map((r) => ({
    step: 'driverSelection',
    value: formatMoney(r.first.annual.annual, firstTable),
    amountMinor: toMinor(r.first.annual.annual, firstTable),
    source: {
      driverFact: driverLabel(r.driver),
      note:
        r === chosen
          ? `rated driver: highest annual premium of ${rated.length} driver${rated.length > 1 ? 's' : ''} on this output (ties: higher lease total, then smallest driverKey)`
          : `not rated: lower-risk than ${chosen.driver.driverKey}`,
    },
  }));

  return {
    outcome: reviewReasons.length > 0 ? 'REFER' : 'RATED',
    needsReview: reviewReasons.length > 0,
    reviewReasons,
    currency: firstTable.currency,
    tableId: firstTable.id,
    tableVersion: firstTable.version,
    tableSha256: chosen.first.version.sha256,
    ratedDriverKey: chosen.driver.driverKey,
    annualPremiumMinor: toMinor(chosen.first.annual.annual, firstTable),
    terms: chosen.terms.map((t) => ({
      start: formatIsoDate(t.term.start),
      end: formatIsoDate(t.term.end),
      days: t.term.days,
      yearDays: t.term.yearDays,
      premiumMinor: toMinor(t.premium.total, t.version.table),
      annualPremiumMinor: toMinor(t.annual.annual, t.version.table),
      tableVersion: t.version.table.version,
    })),
    leaseTotalMinor: toMinor(chosen.leaseTotal, firstTable),
    breakdown: [...selection, ...annualLines(chosen), ...termLines(chosen)],
  };
}
