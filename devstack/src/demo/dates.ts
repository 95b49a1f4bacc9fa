// Calendar arithmetic on ISO dates (UTC), for scenario data relative to "today".

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `iso` moved by whole years, months and days (month ends clamp: Jan 31 + 1 month = Feb 28/29). */
export function shiftDate(iso: string, by: { years?: number; months?: number; days?: number }): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const totalMonths = y * 12 + (m - 1) + (by.years ?? 0) * 12 + (by.months ?? 0);
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(Date.UTC(year, month, Math.min(d, lastDay)));
  shifted.setUTCDate(shifted.getUTCDate() + (by.days ?? 0));
  return isoDate(shifted);
}
