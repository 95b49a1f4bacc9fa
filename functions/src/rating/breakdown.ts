// The breakdown lines of a rating: every term carries the lines that price it (its coverage base
// rates, every factor with its table row, the coverage premiums, fee, minimum adjustments, proration),
// each with the term number, table version and that version's sha256, so that any term can be
// recomputed from the breakdown alone, also across table versions.
import { formatIsoDate } from './dates';
import { formatFactor, formatMoney, fromMinor, toMinor, type Dec } from './decimal';
import type { AnnualPremium, TermPremium } from './premium';
import type { TermSplit } from './rerate-split';
import type { ComponentLine, FactorStep } from './steps';
import type { RateTable } from './table-schema';
import type { PolicyTerm } from './terms';
import type { BreakdownLine } from './types';

export interface PricedVersion {
  table: RateTable;
  sha256: string;
}

interface Tag {
  term?: number;
  tableVersion: string;
  tableSha256: string;
}

function money(
  step: string,
  value: Dec,
  table: RateTable,
  tag: Tag,
  source: BreakdownLine['source'],
  coverage?: BreakdownLine['coverage'],
): BreakdownLine {
  return {
    step,
    ...(coverage ? { coverage } : {}),
    value: formatMoney(value, table),
    amountMinor: toMinor(value, table),
    source,
    ...tag,
  };
}

export function termLabel(term: PolicyTerm, index: number): string {
  return `term ${index + 1} [${formatIsoDate(term.start)}, ${formatIsoDate(term.end)})`;
}

function tagOf(version: PricedVersion, term: number | undefined): Tag {
  return { ...(term !== undefined ? { term } : {}), tableVersion: version.table.version, tableSha256: version.sha256 };
}

/** The annual premium at a term start (or at the transfer date when the lease has no terms). */
export function annualLines(
  version: PricedVersion,
  components: readonly ComponentLine[],
  annual: AnnualPremium,
  term?: number,
): BreakdownLine[] {
  const { table } = version;
  const tag = tagOf(version, term);
  const lines: BreakdownLine[] = components.map((c) => ({
    step: 'driverRecordComponent',
    factor: c.factor,
    value: formatFactor(c.value),
    source: { driverFact: c.fact, tableRow: c.tableRow, note: c.note },
    ...tag,
  }));
  for (const coverage of annual.coverages) {
    lines.push(
      money('baseRate', coverage.base, table, tag, { tableRow: `baseRates.${coverage.coverage}` }, coverage.coverage),
    );
    for (const { step, running } of coverage.steps) lines.push(factorLine(step, running, coverage.coverage, tag));
    lines.push(
      money(
        'coveragePremium',
        coverage.annual,
        table,
        tag,
        { note: `R(${coverage.exact.toString()}) with ${table.rounding.mode} to ${table.rounding.unit}` },
        coverage.coverage,
      ),
    );
  }
  lines.push(money('policyFee', annual.fee, table, tag, { tableRow: 'fees.policyFee' }));
  if (annual.minAdj.greaterThan(0)) {
    lines.push(
      money('minimumPremiumAdjustment', annual.minAdj, table, tag, {
        tableRow: `minimumPremium.annual[${table.minimumPremium.annual}]`,
        note: 'MIN_ADJ lifts the annual premium to the table minimum',
      }),
    );
  }
  lines.push(
    money('annualPremium', annual.annual, table, tag, {
      tableRow: `${table.id}@${table.version}`,
      note: `coverage premiums + fee${annual.minAdj.greaterThan(0) ? ' + MIN_ADJ' : ''}`,
    }),
  );
  return lines;
}

function factorLine(step: FactorStep, running: Dec, coverage: BreakdownLine['coverage'], tag: Tag): BreakdownLine {
  return {
    step: 'factor',
    coverage,
    factor: step.factor,
    value: formatFactor(step.value),
    running: formatFactor(running),
    ...(step.kind ? { kind: step.kind } : {}),
    source: { driverFact: step.fact, tableRow: step.tableRow, note: step.note },
    ...tag,
  };
}

/** Proration of the new annual premium over a full term: R(line × d/D) + fee + minimum adjustments. */
export function termPricingLines(
  version: PricedVersion,
  term: PolicyTerm,
  index: number,
  premium: TermPremium,
): BreakdownLine[] {
  const { table } = version;
  const tag = tagOf(version, index + 1);
  const label = termLabel(term, index);
  const ratio = `${term.days}/${term.yearDays} days`;
  const lines = premium.coverages.map((c) =>
    money('termCoverage', c.amount, table, tag, { note: `${label}: R(annual × ${ratio})` }, c.coverage),
  );
  if (premium.minAdj.greaterThan(0))
    lines.push(
      money('termMinimumPremiumAdjustment', premium.minAdj, table, tag, { note: `${label}: MIN_ADJ × ${ratio}` }),
    );
  lines.push(
    money('termPolicyFee', premium.fee, table, tag, {
      tableRow: 'fees.policyFee',
      note: `${label}: ${table.proration.prorateFee ? 'prorated' : 'fully earned, not prorated'}`,
    }),
  );
  if (premium.minTermAdj.greaterThan(0)) {
    lines.push(
      money('termMinimumAdjustment', premium.minTermAdj, table, tag, {
        tableRow: `minimumPremium.term[${table.minimumPremium.term}]`,
        note: `${label}: MIN_TERM_ADJ`,
      }),
    );
  }
  return lines;
}

/** A re-rated term: the elapsed days at what they were charged, the rest at the new term premium pro rata. */
export function rerateLines(
  version: PricedVersion,
  term: PolicyTerm,
  index: number,
  split: TermSplit,
  rerated: Dec,
  newTermPremium: Dec,
): BreakdownLine[] {
  const { table } = version;
  const tag = tagOf(version, index + 1);
  const label = termLabel(term, index);
  const lines = split.elapsed.map((part) =>
    money('termElapsed', part.amount, table, tag, {
      note: `${label}: ${part.days} elapsed days keep what the previous rating charged: R(${formatMoney(fromMinor(part.previous.premiumMinor, table), table)} for [${formatIsoDate(part.previous.start)}, ${formatIsoDate(part.previous.end)}) at ${part.previous.tableVersion} × ${part.days}/${part.previous.days} days)`,
    }),
  );
  if (split.reratedFrom !== null) {
    lines.push(
      money('termRerated', rerated, table, tag, {
        note: `${label}: re-rated from ${formatIsoDate(split.reratedFrom)}: R(new term premium ${formatMoney(newTermPremium, table)} × ${split.reratedDays}/${term.days} days)`,
      }),
    );
  }
  return lines;
}

/** `annual`: the annual premium the term was priced on; null when the whole term kept its previous charge. */
export function termPremiumLine(
  version: PricedVersion,
  term: PolicyTerm,
  index: number,
  total: Dec,
  annual: Dec | null,
  note: string,
): BreakdownLine {
  const { table } = version;
  const basis =
    annual === null ? 'wholly elapsed: the previous charge' : `annual at term start ${formatMoney(annual, table)}`;
  return money('termPremium', total, table, tagOf(version, index + 1), {
    tableRow: `${table.id}@${table.version}`,
    note: `${termLabel(term, index)}: ${term.days}/${term.yearDays} days, ${basis}${note}`,
  });
}
