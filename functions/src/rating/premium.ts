// Money steps: P_c = R(B_c × Π relativities × Π coefficients + B_c × Π relativities × Σ surcharges)
// (the reference premium B_c × Π relativities; the bonus-malus and novice coefficients multiply it;
// A121-1-2 surcharges are fractions of it added on top), annual A = Σ P_c + fee + MIN_ADJ, and the term premium
// TP = Σ R(line × d/D) over the non-fee lines + fee, floored at the term minimum. R is the table's
// rounding; it is applied only at these checkpoints, never to a factor product.
import { Dec, roundMoney, tableDecimal } from './decimal';
import type { FactorStep } from './steps';
import type { RateTable } from './table-schema';
import type { PolicyTerm } from './terms';
import { COVERAGES, type Coverage } from './types';

export interface CoveragePremium {
  coverage: Coverage;
  base: Dec;
  /** The steps that price this coverage (relativities, then coefficients, then surcharges), each with the exact running amount after it. */
  steps: { step: FactorStep; running: Dec }[];
  /** B_c × Π relativities: what the coefficients multiply and the surcharges are a percentage of. */
  reference: Dec;
  exact: Dec;
  annual: Dec;
}

export interface AnnualPremium {
  coverages: CoveragePremium[];
  fee: Dec;
  /** MIN_ADJ: lifts the annual premium to the table minimum ("the minimum includes everything"). */
  minAdj: Dec;
  annual: Dec;
}

export interface TermPremium {
  coverages: { coverage: Coverage; amount: Dec }[];
  minAdj: Dec;
  fee: Dec;
  minTermAdj: Dec;
  total: Dec;
}

export function annualPremium(steps: readonly FactorStep[], table: RateTable): AnnualPremium {
  const coverages = COVERAGES.map((coverage): CoveragePremium => {
    const base = tableDecimal(table.baseRates[coverage]!);
    const mine = steps.filter((s) => s.appliesTo.includes(coverage));
    const ordered = [
      ...mine.filter((s) => s.kind === undefined),
      ...mine.filter((s) => s.kind === 'coefficient'),
      ...mine.filter((s) => s.kind === 'referenceSurcharge'),
    ];
    let reference = base;
    let running = base;
    const applied = ordered.map((s) => {
      if (s.kind === 'referenceSurcharge') {
        running = running.plus(reference.times(s.value));
      } else {
        running = running.times(s.value);
        if (s.kind === undefined) reference = running;
      }
      return { step: s, running };
    });
    return { coverage, base, steps: applied, reference, exact: running, annual: roundMoney(running, table) };
  });
  const fee = tableDecimal(table.fees.policyFee);
  const beforeMinimum = coverages.reduce((sum, c) => sum.plus(c.annual), fee);
  const minAdj = Dec.max(0, tableDecimal(table.minimumPremium.annual).minus(beforeMinimum));
  return { coverages, fee, minAdj, annual: beforeMinimum.plus(minAdj) };
}

export function termPremium(annual: AnnualPremium, term: PolicyTerm, table: RateTable): TermPremium {
  const prorate = (line: Dec): Dec => roundMoney(line.times(term.days).dividedBy(term.yearDays), table);
  const coverages = annual.coverages.map((c) => ({ coverage: c.coverage, amount: prorate(c.annual) }));
  const minAdj = prorate(annual.minAdj);
  const fee = table.proration.prorateFee ? prorate(annual.fee) : annual.fee;
  const subtotal = coverages.reduce((sum, c) => sum.plus(c.amount), minAdj.plus(fee));
  const minTermAdj = Dec.max(0, tableDecimal(table.minimumPremium.term).minus(subtotal));
  return { coverages, minAdj, fee, minTermAdj, total: subtotal.plus(minTermAdj) };
}
