// The current coverage of recently written cars, with the ETag of the row as this process wrote or
// read it, so that the next event of a car is planned without reading it again. Never trusted: every
// commit is conditional on the cached ETag, so a row someone else changed since fails that car's
// commit (412), which drops the entry and re-reads the car. Least recently used entries leave first.
import type { CurrentCoverage } from '../coverage/coverage';
import type { Versioned } from '../storage/vehicles-repository';

export class CoverageCache {
  private readonly entries = new Map<string, Versioned<CurrentCoverage>>();

  constructor(private readonly capacity: number) {}

  get(assetId: string): Versioned<CurrentCoverage> | undefined {
    const entry = this.entries.get(assetId);
    if (entry) {
      this.entries.delete(assetId); // most recently used last: Map keeps insertion order
      this.entries.set(assetId, entry);
    }
    return entry;
  }

  set(assetId: string, entry: Versioned<CurrentCoverage>): void {
    this.entries.delete(assetId);
    this.entries.set(assetId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(assetId: string): void {
    this.entries.delete(assetId);
  }
}
