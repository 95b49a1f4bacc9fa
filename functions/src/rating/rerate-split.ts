// Re-rating mid-lease. The terms keep the anniversaries of the original transfer date. A term is
// split at the re-rate's effective date: the days before it keep what the previous rating charged
// for them, the days from it are charged the new term premium pro rata:
//   charge = Σ R(previous term premium × its days before the effective date / its days)
//          + R(new term premium × days from the effective date / term days)
// (R = the table's rounding; a previous term wholly elapsed keeps its premium exactly, a term wholly
// after the effective date is charged the new premium exactly). The new premium of a term is rated
// at its start, so the bonus-malus still moves only at the annual due date.
import { compareDates, daysBetween, type CalendarDate } from './dates';
import { Dec, fromMinor, roundMoney } from './decimal';
import type { PreviousTerm } from './request';
import type { RateTable } from './table-schema';
import type { PolicyTerm } from './terms';

export interface ElapsedPart {
  previous: PreviousTerm;
  days: number;
  amount: Dec;
}

export interface TermSplit {
  /** Days before the effective date, each with what its previous term charged for them. */
  elapsed: ElapsedPart[];
  elapsedTotal: Dec;
  /** First day charged at the new rate (the term start when nothing elapsed); null = the whole term elapsed. */
  reratedFrom: CalendarDate | null;
  reratedDays: number;
}

function later(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) >= 0 ? a : b;
}

function earlier(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) <= 0 ? a : b;
}

export function splitTerm(
  term: PolicyTerm,
  effectiveDate: CalendarDate,
  previousTerms: readonly PreviousTerm[],
  table: RateTable,
): TermSplit {
  const elapsedEnd = earlier(term.end, effectiveDate);
  const elapsed: ElapsedPart[] = [];
  for (const previous of previousTerms) {
    const from = later(previous.start, term.start);
    const to = earlier(previous.end, elapsedEnd);
    const days = daysBetween(from, to);
    if (days <= 0) continue;
    const charged = fromMinor(previous.premiumMinor, table);
    elapsed.push({
      previous,
      days,
      amount: days === previous.days ? charged : roundMoney(charged.times(days).dividedBy(previous.days), table),
    });
  }
  const reratedFrom = later(term.start, effectiveDate);
  const reratedDays = Math.max(0, daysBetween(reratedFrom, term.end));
  return {
    elapsed,
    elapsedTotal: elapsed.reduce((sum, part) => sum.plus(part.amount), new Dec(0)),
    reratedFrom: reratedDays > 0 ? reratedFrom : null,
    reratedDays,
  };
}

/** The new term premium for the re-rated days: exact when the whole term is re-rated. */
export function reratedAmount(newTermPremium: Dec, term: PolicyTerm, split: TermSplit, table: RateTable): Dec {
  if (split.reratedDays === 0) return new Dec(0);
  if (split.reratedDays === term.days) return newTermPremium;
  return roundMoney(newTermPremium.times(split.reratedDays).dividedBy(term.days), table);
}
