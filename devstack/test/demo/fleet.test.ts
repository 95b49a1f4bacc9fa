import { isValidVin, VehicleAsset } from '@lease-premium/events';
import { buildFleet, FLEET_MODELS } from '../../src/demo/fleet';
import { buildVin, modelYearCode } from '../../src/demo/vin';
import { PERSONAS, personaProfile } from '../../src/demo/drivers';

describe('demo fleet', () => {
  it('builds VINs with a correct check digit (a published real VIN reproduces exactly)', () => {
    // 1M8GDM9AXKP042788 is the check-digit example of 49 CFR 565 (position 9 = X).
    expect(buildVin('1M8GDM9A', 2019, 'P', 42788)).toBe('1M8GDM9AXKP042788');
    expect(modelYearCode(2019)).toBe('K');
    expect(modelYearCode(2025)).toBe('S');
  });

  it('every car is a valid VehicleAsset with a unique valid VIN, cycling real models', () => {
    const fleet = buildFleet(20, { currency: 'USD', modelYear: 2025 });
    expect(new Set(fleet.map((c) => c.asset.vin)).size).toBe(20);
    for (const car of fleet) {
      expect(isValidVin(car.asset.vin)).toBe(true);
      expect(VehicleAsset.safeParse(car.asset).success).toBe(true);
    }
    expect(fleet[FLEET_MODELS.length]!.asset.make).toBe(fleet[0]!.asset.make);
  });

  it('every persona profile is a valid DriverProfile', () => {
    for (const persona of PERSONAS) expect(() => personaProfile(persona, '2026-11-27')).not.toThrow();
  });
});
