// What the Vehicles table holds for one car (all in the car's partition, PK = asset id):
//   "current"                      the coverage in force (or the registration / closure), ETag-guarded
//   "h~<height>~<index>~<txid>"    one history record per ledger event, in ledger order
//   "h~<...event key...>~r~<rev>"  re-rate records, right after the event whose coverage they re-rate
//   "evt~<txid>"                   processed-event marker: the stored outcome of that event
//   "rr~<driver>~<revision>"       processed re-rate marker: one per driver-history revision
//   "rv~<history row key>"         review-resolution marker: how an underwriter resolved that record
import type { ExtrasDropped, LeaseMetadata, PremiumSummary, ProcessedOutcome, RecordKind, Unrated, VehicleAsset } from '@lease-premium/events';
import type { RatingResult, RatingTerm } from '../rating';

export type CoverageStatus = 'registered' | 'active' | 'closed';
/** Event and re-rate records (what a webhook result names), and an underwriter's resolution. */
export type HistoryKind = RecordKind | 'review-resolution';
export type EventOutcomeKind = ProcessedOutcome;
export type { PremiumSummary, Unrated };

/** Extra (open) fields of the ledger documents left out of this record, by document (see boundExtras). */
export interface DroppedExtras {
  vehicle?: ExtrasDropped;
  lease?: ExtrasDropped;
}

/** Where a ledger event sits in the ledger's total order. */
export interface LedgerPoint {
  transactionId: string;
  blockHeight: number;
  indexInBlock: number;
}

/** Everything that was rated, so a driver-history change can re-rate the same coverage. */
export interface RatingBasis {
  vehicle: VehicleAsset;
  lease: LeaseMetadata | null;
  transferDate: string;
}


/** An amount in major units as a decimal string with 2 places ("1234.50"), and its ISO 4217 currency. */
export interface MoneyAmount {
  amount: string;
  currency: string;
}

/** An underwriter's decision on a record that needed review (also the "rv~" marker's document). */
export interface ReviewResolution {
  decision: 'approve' | 'override';
  reason: string;
  /** Who resolved it, as the caller identified them. */
  resolvedBy: string;
  resolvedAt: string;
  /** The annual premium in force instead of the rated one (override only). */
  annualPremium?: MoneyAmount;
  /** The history record resolved. */
  reviewedRowKey: string;
  /** The review-resolution history record. */
  recordRowKey: string;
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

export interface CurrentCoverage {
  assetId: string;
  status: CoverageStatus;
  /** The last ledger event applied to this car. */
  ledger: LedgerPoint;
  eventTime: string;
  issuer: string;
  /** Owners on the ledger after the last applied event. */
  holderKeys: string[];
  /** Drivers the current premium covers (empty unless active). */
  driverKeys: string[];
  basis?: RatingBasis;
  /** The premium in force (active only); the full rating with its breakdown is in the history record. */
  premium?: PremiumSummary;
  /** Extra review reasons this app adds to the engine's (e.g. unverified ledger signatures). */
  reviewReasons: string[];
  /** The engine could not price this coverage (active, without a premium); see unratedOf. */
  unrated?: Unrated;
  /** The underwriter's resolution of the record that set this coverage; see resolutionOf. */
  resolution?: ReviewResolution;
  /**
   * ETag of each driver's DriverVehicles link as the event that rated them wrote it (absent in rows
   * written before links were tracked): ending the lease removes an unchanged link in one request.
   */
  driverLinks?: Record<string, string>;
  /** The history record that produced this state (holds the full rating). */
  historyRowKey: string;
  /**
   * The marker of the event that set this coverage, written in the same transaction (kept through
   * re-rates): a redelivery of the car's latest event is answered from this row without reading
   * the marker. Absent in rows written before it was added.
   */
  lastEvent?: EventMarker;
  /** Counts writes to this entity; orders re-rate records. */
  revision: number;
  updatedAt: string;
}

export interface HistoryRecord {
  assetId: string;
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

export interface ReviewEntry {
  assetId: string;
  historyRowKey: string;
  transactionId: string;
  kind: HistoryKind;
  reasons: string[];
  annualPremiumMinor?: number;
  currency?: string;
  unrated?: Unrated;
  /** Absent in entries stored by earlier versions. */
  driverKeys?: string[];
  recordedAt: string;
}

/** Work outside the vehicle's partition that follows an applied event (an outbox: idempotent, redone on every redelivery). */
export interface SideEffects {
  /** Drivers whose link to the car this record ended (closure, or a hand-over to other drivers). */
  indexRemove: string[];
  /** The ETags those links had when written (where the coverage knew them): one conditional delete each. */
  linkEtags?: Record<string, string>;
  review?: ReviewEntry;
  /** The car's previous review item (a history row key) this record supersedes: it leaves the open queue. */
  supersededReview?: string;
}

export interface RecordSummary {
  kind: RecordKind;
  premium?: PremiumSummary;
  unrated?: Unrated;
}

/** A processed-work marker: the stored outcome, plus the outbox of writes outside the car's partition. */
export interface WorkMarker {
  historyRowKey: string;
  summary: RecordSummary;
  sideEffects: SideEffects;
  /**
   * True = nothing to do outside the partition. Markers are never updated after the commit (a
   * redelivery simply redoes the idempotent outbox); markers stored before that change may also
   * carry true once their outbox was done.
   */
  sideEffectsDone: boolean;
  recordedAt: string;
}

export interface EventMarker extends WorkMarker {
  transactionId: string;
  outcome: EventOutcomeKind;
}

export interface RerateMarker extends WorkMarker {
  driverKey: string;
  revision: number;
}

/** The summary of an event or re-rate record (a review resolution is not one). */
export function summarize(record: HistoryRecord & { kind: RecordKind }): RecordSummary {
  const { rating } = record;
  if (!rating) return { kind: record.kind, ...(record.unrated ? { unrated: record.unrated } : {}) };
  return {
    kind: record.kind,
    premium: {
      annualPremiumMinor: rating.annualPremiumMinor,
      leaseTotalMinor: rating.leaseTotalMinor,
      currency: rating.currency,
      tableVersion: rating.tableVersion,
      ratedDriverKey: rating.ratedDriverKey,
      ratingOutcome: rating.outcome,
      needsReview: needsReviewOf(record),
      reviewReasons: reviewReasonsOf(record),
    },
  };
}

export function reviewReasonsOf(record: HistoryRecord): string[] {
  return [...(record.rating?.reviewReasons ?? []), ...(record.unrated ? [record.unrated.reason] : []), ...record.reviewReasons];
}

export function needsReviewOf(record: HistoryRecord): boolean {
  return (record.rating?.needsReview ?? false) || record.unrated !== undefined || record.reviewReasons.length > 0;
}

/**
 * The resolution in force: only the one of the record that set the coverage. A later event or
 * re-rate sets another record (re-rates copy the coverage, resolution included), which ends it.
 */
export function resolutionOf(current: CurrentCoverage): ReviewResolution | undefined {
  return current.resolution?.reviewedRowKey === current.historyRowKey ? current.resolution : undefined;
}

/** Why the coverage in force has no premium (a re-rate that priced it keeps the copied field). */
export function unratedOf(current: CurrentCoverage): Unrated | undefined {
  return current.status === 'active' && !current.premium ? current.unrated : undefined;
}

/** True while the record that set the coverage needs review and no underwriter has resolved it. */
export function currentNeedsReview(current: CurrentCoverage): boolean {
  if (resolutionOf(current)) return false;
  if (unratedOf(current)) return true;
  return current.premium?.needsReview ?? current.reviewReasons.length > 0;
}
