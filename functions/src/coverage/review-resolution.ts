// An underwriter's decision on a record that needed review.

/** An amount in major units as a decimal string with 2 places ("1234.50"), and its ISO 4217 currency. */
export interface MoneyAmount {
  amount: string;
  currency: string;
}

/** The decision, as stored in the review-resolution record, the coverage and the resolution marker. */
export interface ReviewResolution {
  decision: 'approve' | 'override';
  reason: string;
  /** Who resolved it, as the caller identified them. */
  resolvedBy: string;
  resolvedAt: string;
  /** The annual premium in force instead of the rated one (override only). */
  annualPremium?: MoneyAmount;
  /** The history record resolved. */
  reviewedRowKey: string;
  /** The review-resolution history record. */
  recordRowKey: string;
}
