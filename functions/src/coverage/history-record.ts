// One record of a car's history: a ledger event (registration, premium, closure), a re-rate after a
// driver-history change, or an underwriter's resolution of a review.
import type { ExtrasDropped, LeaseMetadata, RecordKind, Unrated, VehicleAsset } from '@lease-premium/events';
import type { RatingResult, RatingTerm } from '../rating';
import type { LedgerPoint } from './ledger-point';
import type { ReviewResolution } from './review-resolution';

/** Event and re-rate records (what a webhook result names), and an underwriter's resolution. */
export type HistoryKind = RecordKind | 'review-resolution';

/** Everything that was rated, so a driver-history change can re-rate the same coverage. */
export interface RatingBasis {
  vehicle: VehicleAsset;
  lease: LeaseMetadata | null;
  transferDate: string;
}

/** Extra (open) fields of the ledger documents left out of this record, by document (see boundExtras). */
export interface DroppedExtras {
  vehicle?: ExtrasDropped;
  lease?: ExtrasDropped;
}

/** A change of a driver's history that caused a re-rate (never the profile itself: it holds a date of birth). */
export interface DriverChange {
  driverKey: string;
  /** The driver profile revision the change produced. */
  revision: number;
  change: 'profile-saved' | 'claim-added' | 'violation-added';
  /** The appended claim or violation. */
  item?: Record<string, unknown>;
}

export interface HistoryRecord {
  assetId: string;
  /** See history-row-key.ts. */
  rowKey: string;
  kind: HistoryKind;
  ledger: LedgerPoint;
  eventTime: string;
  leaseAction?: string;
  /** Drivers rated by this record (premium / re-rate) or whose coverage it closed (closure). */
  driverKeys: string[];
  /** Applied out of ledger order: kept as history, did not change the current coverage. */
  stale: boolean;
  basis?: RatingBasis;
  rating?: RatingResult;
  /** Premium records the engine could not price: why (the record has no rating). */
  unrated?: Unrated;
  /**
   * Unrated re-rates: the terms the rating they replaced charged. Days before a later re-rate's
   * effective date keep these charges, as they would have kept the replaced rating's.
   */
  chargedTerms?: RatingTerm[];
  reviewReasons: string[];
  /** Review-resolution records: the decision. */
  resolution?: ReviewResolution;
  /** Re-rates: why, and the driver-history change that caused it. */
  reason?: string;
  cause?: DriverChange;
  /** Open fields of the vehicle or lease document over the budget, left out of `basis`. */
  extrasDropped?: DroppedExtras;
  recordedAt: string;
}

export function reviewReasonsOf(record: HistoryRecord): string[] {
  return [
    ...(record.rating?.reviewReasons ?? []),
    ...(record.unrated ? [record.unrated.reason] : []),
    ...record.reviewReasons,
  ];
}

export function needsReviewOf(record: HistoryRecord): boolean {
  return (record.rating?.needsReview ?? false) || record.unrated !== undefined || record.reviewReasons.length > 0;
}
