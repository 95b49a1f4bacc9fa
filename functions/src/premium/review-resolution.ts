// The records one review resolution produces, built without I/O: the review-resolution history
// record (after the records before it, in the coverage-revision sequence re-rates use), the marker
// that makes the resolution final, and the coverage with the resolution in force.
import type { CurrentCoverage } from '../coverage/coverage';
import type { HistoryRecord } from '../coverage/history-record';
import { revisionHistoryRowKey } from '../coverage/history-row-key';
import type { MoneyAmount, ReviewResolution } from '../coverage/review-resolution';
import type { ReviewResolutionRequest } from './review-resolution-request';

export interface ResolutionWriteInput {
  /** The coverage in force, set by the record being resolved. */
  current: CurrentCoverage;
  request: ReviewResolutionRequest;
  resolvedAt: string;
}

export function resolutionWrite({ current, request, resolvedAt }: ResolutionWriteInput): {
  history: HistoryRecord;
  resolution: ReviewResolution;
  next: CurrentCoverage;
} {
  const revision = current.revision + 1;
  const rowKey = revisionHistoryRowKey(current.ledger, revision);
  const resolution: ReviewResolution = {
    decision: request.decision,
    reason: request.reason,
    resolvedBy: request.resolvedBy,
    resolvedAt,
    ...(request.decision === 'override' ? { annualPremium: request.annualPremium } : {}),
    reviewedRowKey: current.historyRowKey,
    recordRowKey: rowKey,
  };
  const history: HistoryRecord = {
    assetId: current.assetId,
    rowKey,
    kind: 'review-resolution',
    ledger: current.ledger,
    eventTime: current.eventTime,
    driverKeys: current.driverKeys,
    stale: false,
    reviewReasons: [],
    resolution,
    recordedAt: resolvedAt,
  };
  return { history, resolution, next: { ...current, resolution, revision, updatedAt: resolvedAt } };
}

/** True when a stored resolution is what the request asks for (a retry), whoever sent it when. */
export function sameResolution(stored: ReviewResolution, request: ReviewResolutionRequest): boolean {
  const premium: MoneyAmount | undefined = request.decision === 'override' ? request.annualPremium : undefined;
  return (
    stored.decision === request.decision &&
    stored.reason === request.reason &&
    stored.resolvedBy === request.resolvedBy &&
    stored.annualPremium?.amount === premium?.amount &&
    stored.annualPremium?.currency === premium?.currency
  );
}
