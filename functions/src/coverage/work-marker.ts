// Processed-work markers: the stored outcome of an event or a re-rate, written in the same
// transaction as its history record, so a redelivery is answered from it and redoes only the
// outbox (the work outside the car's partition) that it lists.
import type { PremiumSummary, ProcessedOutcome, RecordKind, Unrated } from '@lease-premium/events';
import { needsReviewOf, reviewReasonsOf, type HistoryRecord } from './history-record';
import type { ReviewEntry } from './review-entry';

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
  outcome: ProcessedOutcome;
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
