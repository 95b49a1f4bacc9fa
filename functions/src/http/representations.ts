// What the API returns for stored records: plain JSON documents (described in the OpenAPI document).
import type { DriverChangeResult } from '../premium/driver-service';
import { amountOfMinor, minorOfAmount } from '../premium/money-amount';
import { reviewIdOf } from '../premium/review-id';
import { reviewReason } from '../premium/review-reasons';
import type { ReviewItem } from '../premium/review-service';
import type { DriverRecord, StoredDriver } from '../storage/drivers-repository';
import { currentNeedsReview, resolutionOf, unratedOf, type CurrentCoverage } from '../coverage/coverage';
import { needsReviewOf, reviewReasonsOf, type HistoryRecord, type RatingBasis } from '../coverage/history-record';
import type { ReviewEntry } from '../coverage/review-entry';
import type { ReviewResolution } from '../coverage/review-resolution';
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

function resolutionView(resolution: ReviewResolution) {
  const { decision, reason, resolvedBy, resolvedAt, annualPremium } = resolution;
  return { decision, reason, resolvedBy, resolvedAt, ...(annualPremium ? { annualPremium } : {}) };
}

/**
 * The premium in force: an underwriter's override replaces the rated annual premium (the terms and
 * breakdown stay the engine's); a car the engine could not price and nobody priced is "unrated".
 */
function reviewFields(current: CurrentCoverage, rating: RatingResult | undefined) {
  const resolution = resolutionOf(current);
  const unrated = unratedOf(current);
  const override = resolution?.annualPremium;
  const reviewed = resolution !== undefined || currentNeedsReview(current);
  return {
    ...(unrated ? { unrated } : {}),
    ...(reviewed ? { reviewId: reviewIdOf(current) } : {}),
    ...(resolution ? { resolution: resolutionView(resolution) } : {}),
    ...(override
      ? {
          annualPremiumMinor: minorOfAmount(override),
          currency: override.currency,
          annualPremiumOverridden: true,
          ...(rating ? { ratedAnnualPremiumMinor: rating.annualPremiumMinor } : {}),
        }
      : {}),
  };
}

/** `record`: the history record current.historyRowKey names (its rating has the breakdown). */
export function currentCoverageView(current: CurrentCoverage, record: HistoryRecord | undefined) {
  const unrated = unratedOf(current);
  return {
    assetId: current.assetId,
    status: unrated && !resolutionOf(current)?.annualPremium ? 'unrated' : current.status,
    transactionId: current.ledger.transactionId,
    blockHeight: current.ledger.blockHeight,
    indexInBlock: current.ledger.indexInBlock,
    eventTime: current.eventTime,
    holderKeys: current.holderKeys,
    driverKeys: current.driverKeys,
    needsReview: currentNeedsReview(current),
    reviewReasons: current.premium?.reviewReasons ?? [...(unrated ? [unrated.reason] : []), ...current.reviewReasons],
    ...(current.status === 'active' ? ratingFields(record?.rating, current.basis) : {}),
    ...(current.status === 'active' && !record?.rating && current.basis
      ? { transferDate: current.basis.transferDate, lease: current.basis.lease }
      : {}),
    ...reviewFields(current, record?.rating),
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
    ...(record.unrated ? { unrated: record.unrated } : {}),
    ...(record.resolution ? { resolution: resolutionView(record.resolution) } : {}),
    ...ratingFields(record.rating, record.basis),
    recordedAt: record.recordedAt,
  };
}

/** The items of GET /api/premiums?needsReview=true (the open queue in its first form). */
export function reviewEntryView(entry: ReviewEntry) {
  return {
    reviewId: reviewIdOf(entry),
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

export function reviewItemView({ entry, status, resolution }: ReviewItem) {
  return {
    reviewId: reviewIdOf(entry),
    assetId: entry.assetId,
    historyRowKey: entry.historyRowKey,
    transactionId: entry.transactionId,
    kind: entry.kind,
    reasons: entry.reasons.map(reviewReason),
    status,
    ...(entry.annualPremiumMinor !== undefined && entry.currency
      ? { annualPremium: amountOfMinor(entry.annualPremiumMinor, entry.currency) }
      : {}),
    ...(entry.unrated ? { unrated: entry.unrated } : {}),
    driverKeys: entry.driverKeys ?? [],
    recordedAt: entry.recordedAt,
    ...(resolution ? { resolution: resolutionView(resolution) } : {}),
  };
}

export function driverView(driver: StoredDriver) {
  return {
    driverKey: driver.driverKey,
    revision: driver.revision,
    updatedAt: driver.updatedAt,
    profile: driver.profile,
  };
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
