// What a factor computation yields: a relativity, the coverages it multiplies, the table row it
// came from and the driver or vehicle fact that selected it.
import type { Dec } from './decimal';
import type { Coverage } from './types';

export interface FactorStep {
  factor: string;
  appliesTo: readonly Coverage[];
  /**
   * absent = a relativity of the reference premium; "coefficient" multiplies the reference premium
   * after the relativities; "referenceSurcharge" = value × the reference premium, added on top.
   */
  kind?: 'coefficient' | 'referenceSurcharge';
  value: Dec;
  tableRow: string;
  fact?: string;
  note?: string;
}

/** An input to a combined factor (claims and points feed driverRecord): shown, not multiplied. */
export interface ComponentLine {
  factor: string;
  value: Dec;
  tableRow: string;
  fact?: string;
  note?: string;
}
