// Builds VINs that pass the check-digit rule, from a real manufacturer prefix (WMI + descriptor
// section), the model-year code and a serial: position 9 is computed, never hand-written.
import { isValidVin, vinCheckDigit } from '@lease-premium/events';

/** Model-year codes (position 10) for 2010..2039, as assigned by 49 CFR 565.15. */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

export function modelYearCode(year: number): string {
  const code = YEAR_CODES.charAt((year - 2010) % 30);
  if (year < 2010 || !code) throw new Error(`model year ${year} is outside 2010..2039`);
  return code;
}

/**
 * `prefix8`: WMI (3) + vehicle descriptor section (5); `plant`: one character; `serial`: six digits.
 */
export function buildVin(prefix8: string, modelYear: number, plant: string, serial: number): string {
  const draft = `${prefix8}0${modelYearCode(modelYear)}${plant}${String(serial).padStart(6, '0')}`;
  const vin = `${draft.slice(0, 8)}${vinCheckDigit(draft)}${draft.slice(9)}`;
  if (!isValidVin(vin)) throw new Error(`could not build a valid VIN from ${prefix8}/${modelYear}/${plant}/${serial}`);
  return vin;
}
