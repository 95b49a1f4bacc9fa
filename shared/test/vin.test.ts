// VIN check digit against real, published VINs (and the all-ones VIN whose check digit is 1).
import { isValidVin, vinCheckDigit } from '../src';

describe('VIN check digit', () => {
  it.each([
    ['1HGCM82633A004352', '3'], // 2003 Honda Accord, the classic example
    ['11111111111111111', '1'], // all ones: 1 x (sum of weights 89) mod 11 = 1
    ['1M8GDM9AXKP042788', 'X'], // 49 CFR 565 worked example: remainder 10 is written X
    ['JH4KA7561PC008269', '1'], // 1993 Acura Legend
  ])('%s has check digit %s and is valid', (vin, digit) => {
    expect(vinCheckDigit(vin)).toBe(digit);
    expect(isValidVin(vin)).toBe(true);
  });

  it('refuses a wrong check digit, a wrong length, I/O/Q, lower case and non-strings', () => {
    for (const vin of [
      '1HGCM82643A004352',
      '1HGCM82633A00435',
      '1HGCM82633A0043521',
      'IHGCM82633A004352',
      '1HGCM82633A0O4352',
      '1HGCM8263QA004352',
      '1hgcm82633a004352',
      '',
      42,
      null,
      undefined,
    ]) {
      expect(isValidVin(vin)).toBe(false);
    }
  });

  it('changing any single character of a valid VIN to one of another value breaks it', () => {
    const vin = '1HGCM82633A004352';
    let caught = 0;
    for (let position = 0; position < 17; position++) {
      if (position === 8) continue;
      // No character of this VIN transliterates to 0 except '0' itself, so '0'/'1' always changes the value.
      const replaced = vin.slice(0, position) + (vin[position] === '0' ? '1' : '0') + vin.slice(position + 1);
      if (!isValidVin(replaced)) caught++;
    }
    // Weight 0 is position 9 itself; every other position has a weight that changes the sum mod 11.
    expect(caught).toBe(16);
  });
});
