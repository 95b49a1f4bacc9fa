import { reviewBucket } from '../storage/review-queue-repository';
import { reviewReasonsOf, type HistoryRecord, type ReviewEntry } from '../storage/vehicle-records';

/** The review-queue entry for a record that needs an underwriter's look. */
export function reviewEntry(record: HistoryRecord): ReviewEntry {
  return {
    bucket: reviewBucket(record.recordedAt),
    assetId: record.assetId,
    historyRowKey: record.rowKey,
    transactionId: record.ledger.transactionId,
    kind: record.kind,
    reasons: reviewReasonsOf(record),
    ...(record.rating ? { annualPremiumMinor: record.rating.annualPremiumMinor, currency: record.rating.currency } : {}),
    recordedAt: record.recordedAt,
  };
}
