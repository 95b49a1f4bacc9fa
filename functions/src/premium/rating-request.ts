// Builds the rating engine's request from what was stored: the coverage basis and driver profiles.
import type { DriverFacts, RatingRequest, UnknownDriver } from '../rating';
import type { StoredDriver } from '../storage/drivers-repository';
import type { RatingBasis } from '../coverage/history-record';

export function driverFacts(driver: StoredDriver): DriverFacts {
  const { dateOfBirth, licensedSince, territory, priorInsurance, claims, violations } = driver.profile;
  return {
    driverKey: driver.driverKey,
    dateOfBirth,
    licensedSince,
    territory,
    ...(priorInsurance
      ? {
          priorInsurance: {
            periods: priorInsurance.periods.map((p) => ({ from: p.from, ...(p.to ? { to: p.to } : {}) })),
          },
        }
      : {}),
    claims: claims.map(({ date, responsibility, atFault, amountMinor, currency }) => ({
      date,
      amountMinor,
      ...(responsibility !== undefined ? { responsibility } : {}),
      ...(atFault !== undefined ? { atFault } : {}),
      ...(currency !== undefined ? { currency } : {}),
    })),
    violations: violations.map(({ date, points, code }) => ({ date, points, code })),
  };
}

export function buildRatingRequest(
  basis: RatingBasis,
  driverKeys: readonly string[],
  drivers: ReadonlyMap<string, StoredDriver>,
): RatingRequest {
  const { vehicle, lease, transferDate } = basis;
  return {
    transferDate,
    vehicle: {
      vin: vehicle.vin,
      make: vehicle.make,
      model: vehicle.model,
      modelYear: vehicle.modelYear,
      valueMinor: vehicle.valueMinor,
      currency: vehicle.currency,
      ratingClass: vehicle.ratingClass,
      bodyType: vehicle.bodyType,
    },
    lease: lease
      ? {
          startDate: lease.startDate,
          endDate: lease.endDate,
          annualMileageKm: lease.annualMileageKm,
          usage: lease.usage,
        }
      : null,
    drivers: driverKeys.map((driverKey): DriverFacts | UnknownDriver => {
      const driver = drivers.get(driverKey);
      return driver ? driverFacts(driver) : { driverKey, unknown: true };
    }),
  };
}
