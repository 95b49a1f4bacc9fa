// A car's coverage in force: registered, active (with its premium, or unrated) or closed, set by
// the last ledger event applied to the car and carried through re-rates and review resolutions.
import type { PremiumSummary, Unrated } from '@lease-premium/events';
import type { RatingBasis } from './history-record';
import type { LedgerPoint } from './ledger-point';
import type { ReviewResolution } from './review-resolution';
import type { EventMarker } from './work-marker';

export type CoverageStatus = 'registered' | 'active' | 'closed';

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
