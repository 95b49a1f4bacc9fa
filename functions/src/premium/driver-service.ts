// Driver profiles and their history. Every change bumps the profile revision (ETag-guarded) and then
// re-rates the driver's leased cars for that revision; repeating a request changes nothing and only
// completes re-rates a crash may have interrupted.
import type { Claim, DriverProfile, Violation } from '@lease-premium/events';
import type { DriversRepository, StoredDriver } from '../storage/drivers-repository';
import { isConflict } from '../storage/storage-errors';
import type { DriverChange } from '../storage/vehicle-records';
import { ContentionError, MAX_WRITE_ATTEMPTS } from './concurrency';
import type { RerateResult, RerateService } from './rerate-service';

export interface DriverChangeResult {
  driver: StoredDriver;
  /** False when the request repeated what is already stored. */
  changed: boolean;
  created: boolean;
  rerates: RerateResult[];
}

/** JSON with object keys sorted, to compare stored and requested values by content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function dayAfter(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

export class DriverService {
  constructor(
    private readonly drivers: DriversRepository,
    private readonly rerates: RerateService,
    private readonly now: () => Date,
  ) {}

  get(driverKey: string): Promise<StoredDriver | undefined> {
    return this.drivers.get(driverKey);
  }

  async put(driverKey: string, profile: DriverProfile): Promise<DriverChangeResult> {
    const saved = await this.change(driverKey, (existing) => {
      if (existing && canonicalJson(existing.profile) === canonicalJson(profile)) return undefined;
      return profile;
    }, true);
    if (!saved) throw new Error('unreachable: put always has a profile');
    const today = this.now().toISOString().slice(0, 10);
    const rerates = await this.rerates.rerateDriver({ driverKey, revision: saved.driver.revision, change: 'profile-saved' }, today);
    return { ...saved, rerates };
  }

  /** undefined when the driver has no profile. */
  appendClaim(driverKey: string, claim: Claim): Promise<DriverChangeResult | undefined> {
    return this.append(driverKey, 'claim-added', claim, (profile) => ({ ...profile, claims: [...profile.claims, claim] }), (profile) => profile.claims);
  }

  appendViolation(driverKey: string, violation: Violation): Promise<DriverChangeResult | undefined> {
    return this.append(driverKey, 'violation-added', violation, (profile) => ({ ...profile, violations: [...profile.violations, violation] }), (profile) => profile.violations);
  }

  private async append(
    driverKey: string,
    change: DriverChange['change'],
    item: Claim | Violation,
    add: (profile: DriverProfile) => DriverProfile,
    items: (profile: DriverProfile) => readonly unknown[],
  ): Promise<DriverChangeResult | undefined> {
    const key = canonicalJson(item);
    // The same item twice is the same fact (a retried request), not a second claim.
    const saved = await this.change(driverKey, (existing) => (existing && items(existing.profile).some((i) => canonicalJson(i) === key) ? undefined : existing && add(existing.profile)), false);
    if (!saved) return undefined;
    // Rating counts incidents dated before the term start, so the re-rated terms start the day after.
    const rerates = await this.rerates.rerateDriver({ driverKey, revision: saved.driver.revision, change, item: { ...item } }, dayAfter(item.date));
    return { ...saved, rerates };
  }

  /**
   * Read-modify-write with the ETag. `next` returns the new profile, or undefined for "no change".
   * Resolves undefined only when the driver does not exist and `mayCreate` is false.
   */
  private async change(
    driverKey: string,
    next: (existing: StoredDriver | undefined) => DriverProfile | undefined,
    mayCreate: boolean,
  ): Promise<Omit<DriverChangeResult, 'rerates'> | undefined> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const existing = await this.drivers.get(driverKey);
      if (!existing && !mayCreate) return undefined;
      const profile = next(existing);
      if (!profile) {
        if (!existing) return undefined;
        return { driver: existing, changed: false, created: false };
      }
      try {
        const driver = await this.drivers.save(driverKey, profile, (existing?.revision ?? 0) + 1, existing, this.now());
        return { driver, changed: true, created: !existing };
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    throw new ContentionError(`driver ${driverKey}`);
  }
}
