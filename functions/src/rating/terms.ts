// Splits [anchor, end) into policy terms of at most 12 months, each starting on an anniversary of
// the anchor (the transfer date). Anniversaries are computed from the anchor, not chained, so a
// 29 February anchor returns to 29 February in leap years (2028-02-29, 2029-02-28, ..., 2032-02-29).
import { addMonths, compareDates, daysBetween, type CalendarDate } from './dates';
import { RatingError } from './types';

export interface PolicyTerm {
  start: CalendarDate;
  end: CalendarDate;
  /** d: days in [start, end). */
  days: number;
  /** D: days of the policy year from this anniversary to the next (365 or 366): the ACTUAL/ACTUAL pro-rata denominator. */
  yearDays: number;
}

export function splitTerms(anchor: CalendarDate, end: CalendarDate, maxTerms: number): PolicyTerm[] {
  const terms: PolicyTerm[] = [];
  for (let n = 0; n < maxTerms; n += 1) {
    const start = addMonths(anchor, 12 * n);
    if (compareDates(start, end) >= 0) break;
    const nextAnniversary = addMonths(anchor, 12 * (n + 1));
    const termEnd = compareDates(nextAnniversary, end) < 0 ? nextAnniversary : end;
    terms.push({
      start,
      end: termEnd,
      days: daysBetween(start, termEnd),
      yearDays: daysBetween(start, nextAnniversary),
    });
  }
  const last = terms[terms.length - 1];
  if (last !== undefined && compareDates(last.end, end) < 0) {
    throw new RatingError(`the lease needs more than ${maxTerms} policy terms; not a plausible lease`, 'lease.endDate');
  }
  return terms;
}
