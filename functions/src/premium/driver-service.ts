// Driver profiles and their history. Every change bumps the profile revision (ETag-guarded) and then
// re-rates the driver's leased cars for that revision; repeating a request changes nothing and only
// completes re-rates a crash may have interrupted.
import { DriverProfile, parseWith, type Claim, type ValidationIssue, type Violation } from '@lease-premium/events';
import type { DriverRecord, DriversRepository, StoredDriver } from '../storage/drivers-repository';
import { isConflict } from '@lease-premium/events/azure-storage';
import type { DriverChange } from '../coverage/history-record';
import { ContentionError } from './contention-error';
import { RETRY_TUNING } from '../tuning';
import type { RerateResult, RerateService } from './rerate-service';

/**
 * Why a change was not made: the stored profile fails today's validation (PUT a corrected one
 * first), or the changed profile would break a rule every stored profile keeps (e.g. the cap on
 * claims). Both are the request's own outcome (409), never a 500.
 */
export type DriverChangeRefusal = {
  refused: 'invalid-stored-record' | 'would-break-profile-rules';
  issues: ValidationIssue[];
};

/** An append to an unknown driver, a refusal, or the change made. */
export type AppendResult = { refused: 'no-driver' } | DriverChangeRefusal | DriverChangeResult;

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
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
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

  /** The stored driver as it is: a row that fails today's validation is returned flagged, never an error. */
  get(driverKey: string): Promise<DriverRecord | undefined> {
    return this.drivers.read(driverKey);
  }

  /** Creates or replaces the profile; replacing is also how a stored profile that fails validation is repaired. */
  async put(driverKey: string, profile: DriverProfile): Promise<DriverChangeResult> {
    const saved = await this.change(driverKey, (existing) => {
      if (existing?.valid && canonicalJson(existing.driver.profile) === canonicalJson(profile)) return undefined;
      return profile;
    });
    if (saved === undefined) throw new Error('unreachable: put always has a profile');
    // A typed DriverProfile passed its schema at the edge: a refusal here is a caller's bug.
    if ('refused' in saved)
      throw new Error(
        `put: the profile of driver ${driverKey} is not valid (${saved.issues.map((i) => i.path).join(', ')})`,
      );
    const today = this.now().toISOString().slice(0, 10);
    const rerates = await this.rerates.rerateDriver(
      { driverKey, revision: saved.driver.revision, change: 'profile-saved' },
      today,
    );
    return { ...saved, rerates };
  }

  appendClaim(driverKey: string, claim: Claim): Promise<AppendResult> {
    return this.append(
      driverKey,
      'claim-added',
      claim,
      (profile) => ({ ...profile, claims: [...profile.claims, claim] }),
      (profile) => profile.claims,
    );
  }

  appendViolation(driverKey: string, violation: Violation): Promise<AppendResult> {
    return this.append(
      driverKey,
      'violation-added',
      violation,
      (profile) => ({ ...profile, violations: [...profile.violations, violation] }),
      (profile) => profile.violations,
    );
  }

  private async append(
    driverKey: string,
    change: DriverChange['change'],
    item: Claim | Violation,
    add: (profile: DriverProfile) => DriverProfile,
    items: (profile: DriverProfile) => readonly unknown[],
  ): Promise<AppendResult> {
    const key = canonicalJson(item);
    let invalidStored: ValidationIssue[] | undefined;
    // The same item twice is the same fact (a retried request), not a second claim.
    const saved = await this.change(driverKey, (existing) => {
      if (!existing) return undefined;
      if (!existing.valid) {
        invalidStored = existing.driver.issues;
        return undefined;
      }
      return items(existing.driver.profile).some((i) => canonicalJson(i) === key)
        ? undefined
        : add(existing.driver.profile);
    });
    if (invalidStored) return { refused: 'invalid-stored-record', issues: invalidStored };
    if (!saved) return { refused: 'no-driver' };
    if ('refused' in saved) return saved;
    // Rating counts incidents dated before the term start, so the re-rated terms start the day after.
    const rerates = await this.rerates.rerateDriver(
      { driverKey, revision: saved.driver.revision, change, item: { ...item } },
      dayAfter(item.date),
    );
    return { ...saved, rerates };
  }

  /**
   * Read-modify-write with the ETag. `next` returns the new profile, or undefined for "no change".
   * Resolves undefined when there is no change and no valid driver to report. Every profile written
   * passes the stored shape's rules, so no write path can store what a read would refuse.
   */
  private async change(
    driverKey: string,
    next: (existing: DriverRecord | undefined) => DriverProfile | undefined,
  ): Promise<Omit<DriverChangeResult, 'rerates'> | DriverChangeRefusal | undefined> {
    for (let attempt = 1; attempt <= RETRY_TUNING.maxWriteAttempts; attempt++) {
      const existing = await this.drivers.read(driverKey);
      const profile = next(existing);
      if (!profile) return existing?.valid ? { driver: existing.driver, changed: false, created: false } : undefined;
      const checked = parseWith(DriverProfile, profile);
      if (!checked.ok) return { refused: 'would-break-profile-rules', issues: checked.issues };
      try {
        const driver = await this.drivers.save(
          driverKey,
          checked.value,
          (existing?.driver.revision ?? 0) + 1,
          existing?.driver,
          this.now(),
        );
        return { driver, changed: true, created: !existing };
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    throw new ContentionError(`driver ${driverKey}`);
  }
}
