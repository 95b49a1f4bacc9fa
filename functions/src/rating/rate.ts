import { RatingError, type RatingRequest, type RatingResult } from './types';
import type { RateTableSet } from './table-schema';

/** Rates a lease transfer. Contract placeholder: the implementation lands in the next commit. */
export function rate(_request: RatingRequest, _tables: RateTableSet): RatingResult {
  throw new RatingError('rating engine not implemented yet');
}
