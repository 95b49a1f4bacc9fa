// A history record's key: its identity in the car's history (review ids, resolutions and driver
// links name records by it) and the RowKey it is stored under. Keys sort in the order things
// happened:
//   "h~<height>~<index>~<txid>"    the record of a ledger event, in ledger order
//   "h~<event key>~r~<revision>"   a later record about that event's coverage (a re-rate, an
//                                  underwriter's resolution), by coverage revision, right after it
import { BLOCK_HEIGHT_DIGITS, INDEX_IN_BLOCK_DIGITS } from '@lease-premium/events';
import { padNumber } from '@lease-premium/events/azure-storage';
import type { LedgerPoint } from './ledger-point';

const HISTORY_PREFIX = 'h~';
const REVISION_DIGITS = 8;

/** Every history key k satisfies start <= k < end ('~' sorts after every digit). */
export const HISTORY_ROW_KEY_RANGE = { start: HISTORY_PREFIX, end: 'h~~' } as const;

/** The record of the ledger event at `point`. */
export function eventHistoryRowKey(point: LedgerPoint): string {
  return `${HISTORY_PREFIX}${padNumber(point.blockHeight, BLOCK_HEIGHT_DIGITS)}~${padNumber(point.indexInBlock, INDEX_IN_BLOCK_DIGITS)}~${point.transactionId}`;
}

/** A record written at coverage `revision` about the coverage set by the event at `point`. */
export function revisionHistoryRowKey(point: LedgerPoint, revision: number): string {
  return `${eventHistoryRowKey(point)}~r~${padNumber(revision, REVISION_DIGITS)}`;
}
