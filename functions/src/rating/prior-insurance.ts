// Longest uninsured gap, in days, inside [windowStart, windowEnd). Periods are [from, to) with
// to = null meaning ongoing; they may overlap or come in any order.
import { compareDates, epochDay, type CalendarDate } from './dates';
import type { InsuredPeriod } from './request';

export function longestGapDays(periods: readonly InsuredPeriod[], windowStart: CalendarDate, windowEnd: CalendarDate): number {
  const start = epochDay(windowStart);
  const end = epochDay(windowEnd);
  if (end <= start) return 0;
  const clipped = periods
    .map((p) => ({ from: Math.max(epochDay(p.from), start), to: p.to === null ? end : Math.min(epochDay(p.to), end) }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  let longest = 0;
  let coveredUntil = start;
  for (const period of clipped) {
    longest = Math.max(longest, period.from - coveredUntil);
    coveredUntil = Math.max(coveredUntil, period.to);
  }
  return Math.max(longest, end - coveredUntil);
}

/** Whether any day of [windowStart, windowEnd) is insured. */
export function insuredAnyDay(periods: readonly InsuredPeriod[], windowStart: CalendarDate, windowEnd: CalendarDate): boolean {
  return periods.some((p) => compareDates(p.from, windowEnd) < 0 && (p.to === null || compareDates(p.to, windowStart) > 0));
}
