// The records one re-rate produces, built without I/O: the re-rate history record (filed right after
// the event whose coverage it re-rates), its marker, and the next current coverage (unrated, without a
// premium, when the engine could not price the new facts).
import type { RecordKind, Unrated } from '@lease-premium/events';
import type { CurrentCoverage } from '../coverage/coverage';
import type { DriverChange, HistoryRecord, RatingBasis } from '../coverage/history-record';
import { revisionHistoryRowKey } from '../coverage/history-row-key';
import { summarize, type RerateMarker } from '../coverage/work-marker';
import type { RatingResult, RatingTerm } from '../rating';
import { reviewEffects } from './review-entry';
import { hasSideEffects } from './side-effects';

function responsibilityText(item: Record<string, unknown>): string {
  const responsibility = item.responsibility ?? (item.atFault === true ? 'full' : 'none');
  return responsibility === 'full' ? 'at fault' : responsibility === 'partial' ? 'partly at fault' : 'not at fault';
}

export function describeChange(change: DriverChange): string {
  const item = change.item ?? {};
  switch (change.change) {
    case 'claim-added':
      return `driver history changed: claim added (${String(item.date)}, ${responsibilityText(item)}), profile revision ${change.revision}`;
    case 'violation-added':
      return `driver history changed: violation added (${String(item.date)}, ${String(item.code)}, ${String(item.points)} points), profile revision ${change.revision}`;
    case 'profile-saved':
      return `driver profile replaced, profile revision ${change.revision}`;
  }
}

export interface RerateWriteInput {
  coverage: CurrentCoverage;
  /** The lease's basis, unchanged: its transfer date anchors the terms. */
  basis: RatingBasis;
  /** Absent when the engine could not price the new facts (then `unrated` says why). */
  rating: RatingResult | undefined;
  unrated?: Unrated;
  /** With `unrated`: the terms the coverage's rating charged, still what its elapsed days cost. */
  chargedTerms?: RatingTerm[];
  change: DriverChange;
  /** The first day charged at the new rate. */
  effectiveDate: string;
  recordedAt: string;
}

export function rerateWrite({
  coverage,
  basis,
  rating,
  unrated,
  chargedTerms,
  change,
  effectiveDate,
  recordedAt,
}: RerateWriteInput): { history: HistoryRecord; marker: RerateMarker; next: CurrentCoverage } {
  const revision = coverage.revision + 1;
  const history: HistoryRecord & { kind: RecordKind } = {
    assetId: coverage.assetId,
    rowKey: revisionHistoryRowKey(coverage.ledger, revision),
    kind: 're-rate',
    ledger: coverage.ledger,
    eventTime: coverage.eventTime,
    driverKeys: coverage.driverKeys,
    stale: false,
    basis,
    ...(rating ? { rating } : {}),
    ...(unrated ? { unrated, chargedTerms: chargedTerms ?? [] } : {}),
    reviewReasons: coverage.reviewReasons,
    reason: `${describeChange(change)}; re-rated from ${effectiveDate}, earlier days keep their charge`,
    cause: change,
    recordedAt,
  };
  const effects = { indexRemove: [], ...reviewEffects(coverage, history) };
  const marker: RerateMarker = {
    driverKey: change.driverKey,
    revision: change.revision,
    historyRowKey: history.rowKey,
    summary: summarize(history),
    sideEffects: effects,
    sideEffectsDone: !hasSideEffects(effects),
    recordedAt,
  };
  // The premium (or the reason there is none) is this re-rate's own; the rest of the coverage stands.
  const { premium: _previousPremium, unrated: _previousUnrated, ...kept } = coverage;
  const next: CurrentCoverage = {
    ...kept,
    basis,
    ...(marker.summary.premium ? { premium: marker.summary.premium } : {}),
    ...(unrated ? { unrated } : {}),
    historyRowKey: history.rowKey,
    revision,
    updatedAt: recordedAt,
  };
  return { history, marker, next };
}
