// Review items as the outbox writes them: the queue entry of a record that needs an underwriter's
// look, and what a new coverage record does to the car's review items.
import { currentNeedsReview, type CurrentCoverage } from '../coverage/coverage';
import { needsReviewOf, reviewReasonsOf, type HistoryRecord } from '../coverage/history-record';
import type { ReviewEntry } from '../coverage/review-entry';
import type { SideEffects } from '../coverage/work-marker';

/** The review-queue entry for a record that needs an underwriter's look. */
export function reviewEntry(record: HistoryRecord): ReviewEntry {
  return {
    assetId: record.assetId,
    historyRowKey: record.rowKey,
    transactionId: record.ledger.transactionId,
    kind: record.kind,
    reasons: reviewReasonsOf(record),
    ...(record.rating
      ? { annualPremiumMinor: record.rating.annualPremiumMinor, currency: record.rating.currency }
      : {}),
    ...(record.unrated ? { unrated: record.unrated } : {}),
    driverKeys: record.driverKeys,
    recordedAt: record.recordedAt,
  };
}

/**
 * The review work of a record that replaces the coverage in force (`previous`): queue the record if
 * it needs review, and end the previous record's open item, which no resolution can apply to any more.
 */
export function reviewEffects(
  previous: CurrentCoverage | undefined,
  record: HistoryRecord,
): Pick<SideEffects, 'review' | 'supersededReview'> {
  return {
    ...(needsReviewOf(record) ? { review: reviewEntry(record) } : {}),
    ...(previous && currentNeedsReview(previous) && previous.historyRowKey !== record.rowKey
      ? { supersededReview: previous.historyRowKey }
      : {}),
  };
}
