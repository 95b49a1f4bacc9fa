import { RateTableError } from './types';
import type { RateTableSet } from './table-schema';

export type BuiltInRateTableId = 'us-illustrative' | 'eu-bonus-malus-illustrative';
const BUILT_IN_IDS: readonly BuiltInRateTableId[] = ['us-illustrative', 'eu-bonus-malus-illustrative'];
/** Ids accepted by builtInRateTableSet (typed as plain strings so configuration can test membership). */
export const BUILT_IN_RATE_TABLES: readonly string[] = BUILT_IN_IDS;

export function isBuiltInRateTableId(id: string): id is BuiltInRateTableId {
  return (BUILT_IN_IDS as readonly string[]).includes(id);
}

/** Validates every version of one table id. Contract placeholder: the implementation lands next. */
export function loadRateTableSet(_json: unknown[]): RateTableSet {
  throw new RateTableError([{ path: '', message: 'rate-table loader not implemented yet' }]);
}

export function builtInRateTableSet(id: BuiltInRateTableId): RateTableSet {
  throw new RateTableError([{ path: id, message: 'built-in tables not implemented yet' }]);
}
