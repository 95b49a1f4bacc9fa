// The outbox of an applied event or re-rate: writes outside the car's partition (driver -> vehicle
// links, review queue). The marker committed with the history record lists them; whoever sees the
// marker not yet done (the writer, or a redelivery after a crash) performs them, all idempotent,
// then marks the marker done. A redelivery of a completed event therefore writes nothing.
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import type { ReviewQueueRepository } from '../storage/review-queue-repository';
import type { EventMarker, RerateMarker } from '../storage/vehicle-records';
import type { VehiclesRepository } from '../storage/vehicles-repository';

export class SideEffects {
  constructor(
    private readonly vehicles: VehiclesRepository,
    private readonly driverVehicles: DriverVehiclesRepository,
    private readonly reviewQueue: ReviewQueueRepository,
  ) {}

  async complete(assetId: string, marker: EventMarker | RerateMarker): Promise<void> {
    if (marker.sideEffectsDone) return;
    const { indexAdd, indexRemove, review } = marker.sideEffects;
    await Promise.all([
      ...indexAdd.map((driverKey) => this.driverVehicles.add(driverKey, assetId, marker.historyRowKey)),
      ...indexRemove.map((driverKey) => this.unlinkIfNotCovered(driverKey, assetId)),
      ...(review ? [this.reviewQueue.put(review)] : []),
    ]);
    await this.vehicles.markSideEffectsDone(assetId, marker);
  }

  /**
   * Removes a driver -> car link unless the car's coverage (the source of truth) lists the driver
   * again; the link's ETag, read first, keeps a concurrent re-add from being deleted.
   */
  private async unlinkIfNotCovered(driverKey: string, assetId: string): Promise<void> {
    const etag = await this.driverVehicles.linkEtag(driverKey, assetId);
    if (etag === undefined) return;
    const current = await this.vehicles.readCurrent(assetId);
    if (current?.value.status === 'active' && current.value.driverKeys.includes(driverKey)) return;
    await this.driverVehicles.removeIfUnchanged(driverKey, assetId, etag);
  }
}
