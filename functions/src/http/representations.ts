// What the API returns for stored records: plain JSON documents (described in the OpenAPI document).
import type { DriverChangeResult } from '../premium/driver-service';
import type { DriverRecord, StoredDriver } from '../storage/drivers-repository';
import { currentNeedsReview, needsReviewOf, reviewReasonsOf, type CurrentCoverage, type HistoryRecord, type RatingBasis, type ReviewEntry } from '../storage/vehicle-records';
import type { RatingResult } from '../rating';

function ratingFields(rating: RatingResult | undefined, basis: RatingBasis | undefined) {
  if (!rating) return {};
  return {
    annualPremiumMinor: rating.annualPremiumMinor,
    leaseTotalMinor: rating.leaseTotalMinor,
    currency: rating.currency,
    ratingOutcome: rating.outcome,
    tableId: rating.tableId,
    tableVersion: rating.tableVersion,
    ratedDriverKey: rating.ratedDriverKey,
    ...(basis ? { transferDate: basis.transferDate, lease: basis.lease } : {}),
    terms: rating.terms,
    breakdown: rating.breakdown,
  };
}

/** `record`: the history record current.historyRowKey names (its rating has the breakdown). */
export function currentCoverageView(current: CurrentCoverage, record: HistoryRecord | undefined) {
  return {
    assetId: current.assetId,
    status: current.status,
    transactionId: current.ledger.transactionId,
    blockHeight: current.ledger.blockHeight,
    indexInBlock: current.ledger.indexInBlock,
    eventTime: current.eventTime,
    holderKeys: current.holderKeys,
    driverKeys: current.driverKeys,
    needsReview: currentNeedsReview(current),
    reviewReasons: current.premium?.reviewReasons ?? current.reviewReasons,
    ...(current.status === 'active' ? ratingFields(record?.rating, current.basis) : {}),
    recordId: current.historyRowKey,
    updatedAt: current.updatedAt,
  };
}

export function historyRecordView(record: HistoryRecord) {
  return {
    recordId: record.rowKey,
    kind: record.kind,
    assetId: record.assetId,
    transactionId: record.ledger.transactionId,
    blockHeight: record.ledger.blockHeight,
    indexInBlock: record.ledger.indexInBlock,
    eventTime: record.eventTime,
    ...(record.leaseAction ? { leaseAction: record.leaseAction } : {}),
    stale: record.stale,
    driverKeys: record.driverKeys,
    needsReview: needsReviewOf(record),
    reviewReasons: reviewReasonsOf(record),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.cause ? { cause: record.cause } : {}),
    ...(record.extrasDropped ? { extrasDropped: record.extrasDropped } : {}),
    ...ratingFields(record.rating, record.basis),
    recordedAt: record.recordedAt,
  };
}

export function reviewEntryView(entry: ReviewEntry) {
  return {
    assetId: entry.assetId,
    recordId: entry.historyRowKey,
    transactionId: entry.transactionId,
    kind: entry.kind,
    reasons: entry.reasons,
    ...(entry.annualPremiumMinor !== undefined ? { annualPremiumMinor: entry.annualPremiumMinor } : {}),
    ...(entry.currency ? { currency: entry.currency } : {}),
    recordedAt: entry.recordedAt,
  };
}

export function driverView(driver: StoredDriver) {
  return { driverKey: driver.driverKey, revision: driver.revision, updatedAt: driver.updatedAt, profile: driver.profile };
}

/** A stored driver as read: one that fails today's validation is served as stored, with its issues. */
export function driverRecordView(record: DriverRecord) {
  if (record.valid) return driverView(record.driver);
  const { driverKey, revision, updatedAt, storedProfile, issues } = record.driver;
  return { driverKey, revision, updatedAt, profile: storedProfile, invalidStoredRecord: { issues } };
}

export function driverChangeView(result: DriverChangeResult) {
  return { ...driverView(result.driver), changed: result.changed, rerates: result.rerates };
}
