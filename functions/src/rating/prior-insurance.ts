// Uninsured gaps inside a window. Periods are half-open [from, to) (to = the day after the last
// insured day; null = ongoing); they may overlap or come in any order.
import { compareDates, epochDay, type CalendarDate } from './dates';
import type { InsuredPeriod } from './request';

/** An uninsured stretch [from, to) in epoch days. */
export interface Gap {
  from: number;
  to: number;
}

export function uninsuredGaps(
  periods: readonly InsuredPeriod[],
  windowStart: CalendarDate,
  windowEnd: CalendarDate,
): Gap[] {
  const start = epochDay(windowStart);
  const end = epochDay(windowEnd);
  if (end <= start) return [];
  const clipped = periods
    .map((p) => ({ from: Math.max(epochDay(p.from), start), to: p.to === null ? end : Math.min(epochDay(p.to), end) }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const gaps: Gap[] = [];
  let coveredUntil = start;
  for (const period of clipped) {
    if (period.from > coveredUntil) gaps.push({ from: coveredUntil, to: period.from });
    coveredUntil = Math.max(coveredUntil, period.to);
  }
  if (end > coveredUntil) gaps.push({ from: coveredUntil, to: end });
  return gaps;
}

/** Longest uninsured gap, in days, inside [windowStart, windowEnd). */
export function longestGapDays(
  periods: readonly InsuredPeriod[],
  windowStart: CalendarDate,
  windowEnd: CalendarDate,
): number {
  return uninsuredGaps(periods, windowStart, windowEnd).reduce(
    (longest, gap) => Math.max(longest, gap.to - gap.from),
    0,
  );
}

/** Whether any day of [windowStart, windowEnd) is insured. */
export function insuredAnyDay(
  periods: readonly InsuredPeriod[],
  windowStart: CalendarDate,
  windowEnd: CalendarDate,
): boolean {
  return periods.some(
    (p) => compareDates(p.from, windowEnd) < 0 && (p.to === null || compareDates(p.to, windowStart) > 0),
  );
}

/** The first insured day, or null when no period is declared. */
export function firstInsuredDay(periods: readonly InsuredPeriod[] | null): CalendarDate | null {
  if (periods === null || periods.length === 0) return null;
  return periods.reduce((first, p) => (compareDates(p.from, first) < 0 ? p.from : first), periods[0]!.from);
}
