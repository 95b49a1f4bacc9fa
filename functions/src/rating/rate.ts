// rate(): the new lessee(s) rated as new business from the transfer date. Every driver listed on the
// output is rated on their own for every term; each term charges the highest term premium of the
// listed drivers, so adding a driver, a claim, points or mileage never lowers the lease total.
import { tableSetCurrency } from './claim-currency';
import { annualLines, rerateLines, termPremiumLine, termPricingLines, type PricedVersion } from './breakdown';
import { addMonths, compareDates, formatIsoDate, type CalendarDate } from './dates';
import { Dec, formatMoney, fromMinor, toMinor } from './decimal';
import { termFactors, type TermFactors } from './factors';
import { annualPremium, termPremium, type AnnualPremium, type TermPremium } from './premium';
import { driverReferrals } from './referrals';
import { normalizeRequest, type DriverInput, type NormalizedRequest } from './request';
import { reratedAmount, splitTerm, type TermSplit } from './rerate-split';
import type { RateTable, RateTableSet } from './table-schema';
import { splitTerms, type PolicyTerm } from './terms';
import { RatingError, type BreakdownLine, type RatingRequest, type RatingResult, type RatingTerm } from './types';

/**
 * Guard against absurd lease end dates (the table's referral.maxLeaseTerms refers far earlier); with
 * MAX_DRIVERS it bounds the breakdown (every term carries its own lines) well inside a stored record.
 */
export const MAX_TERMS = 20;

interface DriverTerm {
  version: PricedVersion;
  factors: TermFactors;
  annual: AnnualPremium;
  /** The full-term premium at this driver's facts. */
  premium: TermPremium;
}

interface RatedDriver {
  driver: DriverInput;
  /** At the transfer date (= the first term when there is one). */
  first: DriverTerm;
  terms: DriverTerm[];
  reasons: string[];
}

interface ChargedTerm {
  term: PolicyTerm;
  chosen: RatedDriver;
  priced: DriverTerm;
  split: TermSplit | null;
  total: Dec;
}

/** The version whose [effectiveFrom, effectiveTo) contains the date (a term start); `path` names the input that led there. */
function versionAt(tables: RateTableSet, date: CalendarDate, path: string): PricedVersion {
  const iso = formatIsoDate(date);
  const found = tables.versions.find(
    (v) => v.table.effectiveFrom <= iso && (v.table.effectiveTo === null || iso < v.table.effectiveTo),
  );
  if (!found) throw new RatingError(`no version of rate table ${tables.id} is in force on ${iso}`, path);
  return found;
}

function withBasis(term: PolicyTerm, table: RateTable): PolicyTerm {
  return table.proration.basis === 'ACTUAL_365F' ? { ...term, yearDays: 365 } : term;
}

function money(value: Dec, table: RateTable): string {
  return `${formatMoney(value, table)} ${table.currency}`;
}

function priceAt(
  driver: DriverInput,
  date: CalendarDate,
  request: NormalizedRequest,
  version: PricedVersion,
  term: PolicyTerm | null,
): DriverTerm {
  const factors = termFactors(driver, date, request, version.table);
  const annual = annualPremium(factors.steps, version.table);
  const premium = term
    ? termPremium(annual, term, version.table)
    : { coverages: [], minAdj: new Dec(0), fee: new Dec(0), minTermAdj: new Dec(0), total: new Dec(0) };
  return { version, factors, annual, premium };
}

/**
 * The day this rating speaks for: the transfer, or a re-rate's effective date. Referrals are asked
 * on that day (a DUI reported mid-term refers the car now, though its price moves only from the
 * next annual due date), and a re-rate splits its term there.
 */
function effectiveDateOf(request: NormalizedRequest): CalendarDate {
  const { rerate } = request;
  return rerate !== null && compareDates(rerate.effectiveDate, request.transferDate) > 0
    ? rerate.effectiveDate
    : request.transferDate;
}

function rateDriver(
  driver: DriverInput,
  request: NormalizedRequest,
  tables: RateTableSet,
  terms: PolicyTerm[],
): RatedDriver {
  const rated = terms.map((term, index) =>
    priceAt(
      driver,
      term.start,
      request,
      versionAt(tables, term.start, index === 0 ? 'transferDate' : 'lease.endDate'),
      term,
    ),
  );
  const first =
    rated[0] ??
    priceAt(driver, request.transferDate, request, versionAt(tables, request.transferDate, 'transferDate'), null);
  const reasons = [...driverReferrals(driver, effectiveDateOf(request), first.version.table), ...first.factors.reasons];
  return { driver, first, terms: rated, reasons };
}

/** Highest premium of the term; ties -> higher annual premium, then the smallest driverKey (order-independent). */
function riskier(pick: (r: RatedDriver) => DriverTerm): (a: RatedDriver, b: RatedDriver) => RatedDriver {
  return (a, b) => {
    const byPremium = pick(a).premium.total.comparedTo(pick(b).premium.total);
    if (byPremium !== 0) return byPremium > 0 ? a : b;
    const byAnnual = pick(a).annual.annual.comparedTo(pick(b).annual.annual);
    if (byAnnual !== 0) return byAnnual > 0 ? a : b;
    return a.driver.driverKey <= b.driver.driverKey ? a : b;
  };
}

function driverLabel(driver: DriverInput): string {
  return driver.kind === 'unknown' ? `driver[${driver.driverKey} unknown]` : `driver[${driver.driverKey}]`;
}

function selectionLines(
  rated: RatedDriver[],
  chosen: RatedDriver,
  pick: (r: RatedDriver) => DriverTerm,
  term: number | undefined,
): BreakdownLine[] {
  const what = term === undefined ? 'annual premium' : 'term premium';
  return rated.map((r) => {
    const priced = pick(r);
    const amount = term === undefined ? priced.annual.annual : priced.premium.total;
    return {
      step: 'driverSelection',
      value: formatMoney(amount, priced.version.table),
      amountMinor: toMinor(amount, priced.version.table),
      source: {
        driverFact: driverLabel(r.driver),
        note:
          r === chosen
            ? `rated driver: highest ${what} of ${rated.length} driver${rated.length > 1 ? 's' : ''} on this output (ties: higher annual premium, then smallest driverKey)`
            : `not rated: lower-risk than ${chosen.driver.driverKey}`,
      },
      ...(term !== undefined ? { term } : {}),
    };
  });
}

function chargeTerm(term: PolicyTerm, index: number, rated: RatedDriver[], request: NormalizedRequest): ChargedTerm {
  const pick = (r: RatedDriver): DriverTerm => r.terms[index]!;
  const chosen = rated.reduce(riskier(pick));
  const priced = pick(chosen);
  if (request.rerate === null) return { term, chosen, priced, split: null, total: priced.premium.total };
  const split = splitTerm(term, effectiveDateOf(request), request.rerate.previousTerms, priced.version.table);
  // A term wholly after the effective date is simply priced anew: the same result and lines as a fresh rating.
  if (split.elapsed.length === 0 && split.reratedDays === term.days)
    return { term, chosen, priced, split: null, total: priced.premium.total };
  return {
    term,
    chosen,
    priced,
    split,
    total: split.elapsedTotal.plus(reratedAmount(priced.premium.total, term, split, priced.version.table)),
  };
}

function chargedTermLines(charged: ChargedTerm, index: number, rated: RatedDriver[]): BreakdownLine[] {
  const { term, chosen, priced, split } = charged;
  const lines = selectionLines(rated, chosen, (r) => r.terms[index]!, index + 1);
  const wholeTermElapsed = split !== null && split.reratedFrom === null;
  if (!wholeTermElapsed) {
    lines.push(
      ...annualLines(priced.version, priced.factors.components, priced.annual, index + 1),
      ...termPricingLines(priced.version, term, index, priced.premium),
    );
  }
  let note = '';
  if (split !== null) {
    const rerated = reratedAmount(priced.premium.total, term, split, priced.version.table);
    lines.push(...rerateLines(priced.version, term, index, split, rerated, priced.premium.total));
    note = split.elapsed.length > 0 ? '; elapsed days at the previous charge + re-rated days pro rata' : '';
  }
  lines.push(
    termPremiumLine(priced.version, term, index, charged.total, wholeTermElapsed ? null : priced.annual.annual, note),
  );
  return lines;
}

function requestReasons(req: NormalizedRequest, atTransfer: RateTable, terms: PolicyTerm[]): string[] {
  const reasons: string[] = [];
  if (req.lease === null) {
    reasons.push(
      `lease terms missing: priced one ${atTransfer.defaultLease.termMonths}-month term from the transfer date with the table's default lease (defaultLease)`,
    );
  } else {
    if (compareDates(req.transferDate, req.lease.endDate) >= 0) {
      reasons.push(
        `no lease terms: transfer date ${formatIsoDate(req.transferDate)} is on or after the lease end ${formatIsoDate(req.lease.endDate)}; annual premium only`,
      );
    }
    if (compareDates(req.transferDate, req.lease.startDate) < 0) {
      reasons.push(
        `transfer date ${formatIsoDate(req.transferDate)} is before the lease start ${formatIsoDate(req.lease.startDate)}`,
      );
    }
  }
  if (terms.length > atTransfer.referral.maxLeaseTerms)
    reasons.push(
      `the remaining lease needs ${terms.length} policy terms, more than ${atTransfer.referral.maxLeaseTerms}`,
    );
  const valueNew = fromMinor(req.vehicle.valueMinor, atTransfer);
  if (valueNew.greaterThan(atTransfer.referral.valueNewAbove)) {
    reasons.push(
      `vehicle price new ${money(valueNew, atTransfer)} is above ${money(new Dec(atTransfer.referral.valueNewAbove), atTransfer)}`,
    );
  }
  return reasons;
}

export function rate(request: RatingRequest, tables: RateTableSet): RatingResult {
  const req = normalizeRequest(request, tableSetCurrency(tables));
  const atTransfer = versionAt(tables, req.transferDate, 'transferDate').table;
  if (req.vehicle.currency !== atTransfer.currency) {
    throw new RatingError(
      `${req.vehicle.currency} cannot be priced by rate table ${tables.id}, which prices ${atTransfer.currency}`,
      'vehicle.currency',
    );
  }
  const end = req.lease === null ? addMonths(req.transferDate, atTransfer.defaultLease.termMonths) : req.lease.endDate;
  const terms =
    compareDates(req.transferDate, end) < 0
      ? splitTerms(req.transferDate, end, MAX_TERMS).map((t) =>
          withBasis(t, versionAt(tables, t.start, 'lease.endDate').table),
        )
      : [];
  const reasons = requestReasons(req, atTransfer, terms);

  // Drivers arrive sorted by driverKey (normalizeRequest): selection and reasons are order-independent.
  const rated = req.drivers.map((driver) => rateDriver(driver, req, tables, terms));
  for (const r of rated) reasons.push(...r.reasons.map((reason) => `driver ${r.driver.driverKey}: ${reason}`));
  const charged = terms.map((term, index) => chargeTerm(term, index, rated, req));
  const noTerms = rated.reduce(riskier((r) => r.first));
  const annuals = charged.length > 0 ? charged.map((c) => c.priced) : [noTerms.first];
  for (const { annual, version } of annuals) {
    if (annual.annual.greaterThan(version.table.referral.annualPremiumAbove)) {
      reasons.push(
        `annual premium ${money(annual.annual, version.table)} is above ${money(new Dec(version.table.referral.annualPremiumAbove), version.table)}`,
      );
    }
  }
  const reviewReasons = [...new Set(reasons)];

  // The term in force: the first, or for a re-rate the first one not wholly elapsed.
  const inForce = charged.find((c) => c.split === null || c.split.reratedFrom !== null) ?? charged.at(-1);
  const first = inForce?.priced ?? noTerms.first;
  const firstTable = first.version.table;
  const breakdown =
    charged.length > 0
      ? charged.flatMap((c, index) => chargedTermLines(c, index, rated))
      : [
          ...selectionLines(rated, noTerms, (r) => r.first, undefined),
          ...annualLines(first.version, first.factors.components, first.annual),
        ];

  return {
    outcome: reviewReasons.length > 0 ? 'REFER' : 'RATED',
    needsReview: reviewReasons.length > 0,
    reviewReasons,
    currency: firstTable.currency,
    tableId: firstTable.id,
    tableVersion: firstTable.version,
    tableSha256: first.version.sha256,
    ratedDriverKey: (inForce?.chosen ?? noTerms).driver.driverKey,
    annualPremiumMinor: toMinor(first.annual.annual, firstTable),
    terms: charged.map((c): RatingTerm => ({
      start: formatIsoDate(c.term.start),
      end: formatIsoDate(c.term.end),
      days: c.term.days,
      yearDays: c.term.yearDays,
      premiumMinor: toMinor(c.total, c.priced.version.table),
      annualPremiumMinor: toMinor(c.priced.annual.annual, c.priced.version.table),
      tableVersion: c.priced.version.table.version,
      tableSha256: c.priced.version.sha256,
      ratedDriverKey: c.chosen.driver.driverKey,
      ...(c.split && c.split.elapsed.length > 0
        ? { elapsedMinor: toMinor(c.split.elapsedTotal, c.priced.version.table) }
        : {}),
    })),
    leaseTotalMinor: toMinor(
      charged.reduce((sum, c) => sum.plus(c.total), new Dec(0)),
      firstTable,
    ),
    breakdown,
  };
}
