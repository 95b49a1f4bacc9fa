// The underwriters' review workflow: list the open and resolved items, read one, resolve one. A
// resolution is one ETag-guarded transaction in the car's partition (history record + final marker +
// coverage), so it applies only to the coverage it was read with: an ownership event or re-rate that
// lands first makes it re-read and answer "superseded" instead of bringing back an older premium.
import type { ValidationIssue } from '@lease-premium/events';
import type { Page } from '../storage/continuation-token';
import type { QueueStatus, ReviewQueueRepository } from '../storage/review-queue-repository';
import { isConflict } from '@lease-premium/events/azure-storage';
import type { CurrentCoverage } from '../coverage/coverage';
import { needsReviewOf, type HistoryRecord } from '../coverage/history-record';
import type { ReviewEntry } from '../coverage/review-entry';
import type { ReviewResolution } from '../coverage/review-resolution';
import type { VehiclesRepository } from '../storage/vehicles-repository';
import { ContentionError } from './contention-error';
import { RETRY_TUNING } from '../tuning';
import { minorOfAmount } from './money-amount';
import { reviewEntry } from './review-entry';
import type { ReviewKey } from './review-id';
import { resolutionWrite, sameResolution } from './review-resolution';
import type { ReviewResolutionRequest } from './review-resolution-request';

export type ReviewStatus = QueueStatus | 'superseded';

export interface ReviewItem {
  entry: ReviewEntry;
  status: ReviewStatus;
  resolution?: ReviewResolution;
}

export type ResolveResult =
  | { outcome: 'resolved' | 'already-resolved'; item: ReviewItem }
  | { outcome: 'not-found' }
  | { outcome: 'conflict'; conflict: 'resolved-differently' | 'superseded' | 'unrated'; detail: string }
  | { outcome: 'invalid'; issues: ValidationIssue[] };

export interface ReviewServiceDeps {
  vehicles: VehiclesRepository;
  reviewQueue: ReviewQueueRepository;
  now: () => Date;
}

interface ReviewState {
  record: HistoryRecord;
  current: { value: CurrentCoverage; etag: string } | undefined;
  resolution: ReviewResolution | undefined;
}

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  async list(
    status: QueueStatus,
    reasonCode: string | undefined,
    pageSize: number,
    continuationToken: string | undefined,
  ): Promise<Page<ReviewItem>> {
    return this.deps.reviewQueue.list(status, reasonCode, pageSize, continuationToken);
  }

  /** The item as the car's partition has it (the listing rows follow it). undefined = no such item. */
  async get(key: ReviewKey): Promise<ReviewItem | undefined> {
    const state = await this.read(key);
    return state && itemOf(state);
  }

  async resolve(key: ReviewKey, request: ReviewResolutionRequest): Promise<ResolveResult> {
    for (let attempt = 1; attempt <= RETRY_TUNING.maxWriteAttempts; attempt++) {
      const state = await this.read(key);
      if (!state) return { outcome: 'not-found' };
      const { record, current, resolution } = state;
      if (resolution) {
        if (!sameResolution(resolution, request)) {
          return {
            outcome: 'conflict',
            conflict: 'resolved-differently',
            detail: `this item was already resolved (${resolution.decision} by ${resolution.resolvedBy} at ${resolution.resolvedAt})`,
          };
        }
        const item = itemOf(state);
        await this.listResolved(item.entry, resolution); // redone: a crash may have interrupted it
        return { outcome: 'already-resolved', item };
      }
      if (!current || !isCoverageOf(record, current.value)) {
        return {
          outcome: 'conflict',
          conflict: 'superseded',
          detail:
            'a newer ownership event or re-rate of this car replaced the reviewed premium; resolve its own review item',
        };
      }
      if (request.decision === 'approve' && record.unrated) {
        return {
          outcome: 'conflict',
          conflict: 'unrated',
          detail:
            'the engine could not price this car, so there is no premium to approve; override it with an annual premium',
        };
      }
      const issues = request.decision === 'override' ? overrideIssues(record, request.annualPremium) : [];
      if (issues.length > 0) return { outcome: 'invalid', issues };

      const {
        history,
        resolution: written,
        next,
      } = resolutionWrite({ current: current.value, request, resolvedAt: this.deps.now().toISOString() });
      try {
        await this.deps.vehicles.commit({
          history,
          resolutionMarker: written,
          current: { value: next, etag: current.etag },
        });
      } catch (error) {
        if (isConflict(error)) continue; // the car changed, or a concurrent resolution won: re-read
        throw error;
      }
      const item: ReviewItem = { entry: reviewEntry(record), status: 'resolved', resolution: written };
      await this.listResolved(item.entry, written);
      return { outcome: 'resolved', item };
    }
    throw new ContentionError(`vehicle ${key.assetId}`);
  }

  private async read(key: ReviewKey): Promise<ReviewState | undefined> {
    const { vehicles } = this.deps;
    const [record, current, resolution] = await Promise.all([
      vehicles.readHistoryRecord(key.assetId, key.historyRowKey),
      vehicles.readCurrent(key.assetId),
      vehicles.readResolution(key.assetId, key.historyRowKey),
    ]);
    // Stale records never set the coverage, so they were never queued.
    if (!record || record.stale || !needsReviewOf(record)) return undefined;
    return { record, current, resolution };
  }

  /** Resolved first, then out of the open listing: a reader never finds the item in neither. */
  private async listResolved(entry: ReviewEntry, resolution: ReviewResolution): Promise<void> {
    await this.deps.reviewQueue.putResolved(entry, resolution);
    await this.deps.reviewQueue.removeOpen(entry.assetId, entry.historyRowKey);
  }
}

/** The record set the coverage in force (no later event or re-rate replaced it). */
function isCoverageOf(record: HistoryRecord, current: CurrentCoverage): boolean {
  return current.status === 'active' && current.historyRowKey === record.rowKey;
}

function itemOf({ record, current, resolution }: ReviewState): ReviewItem {
  const status: ReviewStatus = resolution
    ? 'resolved'
    : current && isCoverageOf(record, current.value)
      ? 'open'
      : 'superseded';
  return { entry: reviewEntry(record), status, ...(resolution ? { resolution } : {}) };
}

/** An override replaces the rated annual premium: same currency, whole minor units. */
function overrideIssues(record: HistoryRecord, premium: { amount: string; currency: string }): ValidationIssue[] {
  const rated = record.rating?.currency;
  if (rated !== undefined && premium.currency !== rated) {
    return [{ path: 'annualPremium.currency', message: `must be ${rated}, the currency of the rated premium` }];
  }
  if (minorOfAmount(premium) === undefined) {
    return [{ path: 'annualPremium.amount', message: `is not a whole number of ${premium.currency} minor units` }];
  }
  return [];
}
