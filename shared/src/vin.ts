// VIN check digit (49 CFR 565.15 / ISO 3779 as used in North America): transliterate letters,
// weight positions, sum mod 11; "X" stands for 10. Position 9 holds the check digit.
const TRANSLITERATION: Record<string, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
/** 17 characters of A–Z and 0–9 without I, O and Q (the shape only; the check digit is separate). */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

function valueOf(ch: string): number {
  return /[0-9]/.test(ch) ? Number(ch) : (TRANSLITERATION[ch] ?? NaN);
}

/** The check digit a VIN's other 16 characters call for ("0".."9" or "X"). */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += valueOf(vin.charAt(i)) * (WEIGHTS[i] ?? 0);
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/** 17 characters of A–Z/0–9 without I, O, Q, and a correct check digit in position 9. */
export function isValidVin(vin: unknown): boolean {
  return typeof vin === 'string' && VIN_PATTERN.test(vin) && vin.charAt(8) === vinCheckDigit(vin);
}
