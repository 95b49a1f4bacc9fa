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
