// The outbox of an applied event or re-rate: writes outside the car's rows (ending driver ->
// vehicle links a closure or hand-over ended, review queue entries: a record to review joins the open
// listing, the item it supersedes leaves it). The marker committed with the
// history record lists them; the writer performs them right after the commit, and every redelivery
// of the event performs them again (a crash may have interrupted the first run). All are idempotent:
// an ended link is not ended again, a review entry is rewritten with the same content. Nothing marks them
// done: that write cost a request per event to save a few on the rare redelivery.
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import type { ReviewQueueRepository } from '../storage/review-queue-repository';
import { currentNeedsReview } from '../coverage/coverage';
import type { ReviewEntry } from '../coverage/review-entry';
import type { EventMarker, RerateMarker, SideEffects as SideEffectList } from '../coverage/work-marker';
import type { VehiclesRepository } from '../storage/vehicles-repository';

export class SideEffects {
  constructor(
    private readonly driverVehicles: DriverVehiclesRepository,
    private readonly reviewQueue: ReviewQueueRepository,
    private readonly vehicles: VehiclesRepository,
  ) {}

  complete(assetId: string, marker: EventMarker | RerateMarker): Promise<void> {
    return this.completeMany([{ assetId, marker }]);
  }

  /** The outboxes of many cars' records: their driver links ended together (one transaction per shard and 100). */
  async completeMany(items: readonly { assetId: string; marker: EventMarker | RerateMarker }[]): Promise<void> {
    // Markers stored as done (by older versions) or without work outside the partition: nothing to do.
    const pending = items.filter(({ marker }) => !marker.sideEffectsDone);
    const unlinks = pending.flatMap(({ assetId, marker }) =>
      marker.sideEffects.indexRemove.map((driverKey) => ({
        driverKey,
        assetId,
        closedAt: marker.historyRowKey,
        knownEtag: marker.sideEffects.linkEtags?.[driverKey],
      })),
    );
    await Promise.all([
      ...(unlinks.length > 0 ? [this.driverVehicles.unlinkMany(unlinks)] : []),
      ...pending.flatMap(({ assetId, marker }) => {
        const { review, supersededReview } = marker.sideEffects;
        return [
          ...(review ? [this.listOpen(review)] : []),
          ...(supersededReview ? [this.reviewQueue.removeOpen(assetId, supersededReview)] : []),
        ];
      }),
    ]);
  }

  /**
   * Lists the item as open, then checks that it still is: a redelivery may run long after a newer
   * record or a resolution ended it. Whoever ends an item commits that first and removes the open
   * row after, so either this check sees the end or that removal comes after this write.
   */
  private async listOpen(entry: ReviewEntry): Promise<void> {
    await this.reviewQueue.putOpen(entry);
    const current = await this.vehicles.readCurrent(entry.assetId);
    const open =
      current !== undefined && current.value.historyRowKey === entry.historyRowKey && currentNeedsReview(current.value);
    if (!open) await this.reviewQueue.removeOpen(entry.assetId, entry.historyRowKey);
  }
}

export function hasSideEffects(effects: SideEffectList): boolean {
  return effects.indexRemove.length > 0 || effects.review !== undefined || effects.supersededReview !== undefined;
}
