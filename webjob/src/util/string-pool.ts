/**
 * Bounded string interning for long-lived caches: values repeated across many entries (a fleet's
 * makes, models, currencies, the leasing company's key) are kept once instead of once per entry.
 * JSON.parse creates a fresh copy of every string value it reads, so without this 20,000 cached
 * cars hold 20,000 copies of "Volvo". Once full it stops adding (unique values such as VINs would
 * only churn it) and passes new strings through unchanged.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();
  constructor(private readonly capacity = 4_096) {}

  intern(value: string): string {
    const known = this.pool.get(value);
    if (known !== undefined) return known;
    if (this.pool.size < this.capacity) this.pool.set(value, value);
    return value;
  }
}
