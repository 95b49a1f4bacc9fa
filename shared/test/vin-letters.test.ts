// Every letter a VIN may hold, against the transliteration table of 49 CFR 565.15(c)(1), copied here
// from the regulation's text (https://www.ecfr.gov/current/title-49/subtitle-B/chapter-V/part-565/subpart-B/section-565.15),
// not from the product's table: a wrong value in either shows up as a refused or accepted vector.
import { isValidVin, vinCheckDigit } from '../src';

const REGULATION_VALUES: [letter: string, value: number][] = [
  ['A', 1],
  ['B', 2],
  ['C', 3],
  ['D', 4],
  ['E', 5],
  ['F', 6],
  ['G', 7],
  ['H', 8],
  ['J', 1],
  ['K', 2],
  ['L', 3],
  ['M', 4],
  ['N', 5],
  ['P', 7],
  ['R', 9],
  ['S', 2],
  ['T', 3],
  ['U', 4],
  ['V', 5],
  ['W', 6],
  ['X', 7],
  ['Y', 8],
  ['Z', 9],
];

describe('VIN transliteration, letter by letter', () => {
  it('covers the 23 letters a VIN may hold (all but I, O and Q)', () => {
    const letters = REGULATION_VALUES.map(([letter]) => letter).join('');
    expect(letters).toBe('ABCDEFGHJKLMNPRSTUVWXYZ');
  });

  // The letter in position 1 (weight 8), zeros elsewhere: the check digit is 8 x value mod 11.
  it.each(REGULATION_VALUES)('%s transliterates to %i', (letter, value) => {
    const remainder = (8 * value) % 11;
    const check = remainder === 10 ? 'X' : String(remainder);
    const vin = `${letter}0000000${check}00000000`;
    expect(vinCheckDigit(vin)).toBe(check);
    expect(isValidVin(vin)).toBe(true);
    // The same letter in position 11 (weight 8 as well) gives the same check digit.
    expect(vinCheckDigit(`00000000${check}0${letter}000000`)).toBe(check);
  });
});
