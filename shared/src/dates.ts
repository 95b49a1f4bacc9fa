// Date-order refinements shared by the ledger data and the back-office bodies. ISO calendar dates
// ("YYYY-MM-DD") compare correctly as strings.
import { type z } from 'zod';
import { addSiblingIssue } from './issues';

/** Adds "<later>: must be after <earlier>" unless value[later] > value[earlier] (both present). */
export function requireDateAfter<K extends string>(later: K, earlier: K) {
  return (value: Partial<Record<K, string>>, ctx: z.RefinementCtx): void => {
    const end = value[later];
    const start = value[earlier];
    if (end !== undefined && start !== undefined && end <= start) addSiblingIssue(ctx, later, 'must be after', earlier);
  };
}

/** For inclusive ranges of days (a one-day period has `later` equal to `earlier`). */
export function requireDateNotBefore<K extends string>(later: K, earlier: K) {
  return (value: Partial<Record<K, string>>, ctx: z.RefinementCtx): void => {
    const end = value[later];
    const start = value[earlier];
    if (end !== undefined && start !== undefined && end < start)
      addSiblingIssue(ctx, later, 'must not be before', earlier);
  };
}

/**
 * The same calendar day `years` later, as an ISO string (29 February stays "29 February" in any
 * year: as a string it sorts between the 28th and 1 March, which is what comparisons need).
 */
export function addYears(isoDate: string, years: number): string {
  return `${String(Number(isoDate.slice(0, 4)) + years).padStart(4, '0')}${isoDate.slice(4)}`;
}
