// Review reasons as codes a queue can be filtered by. The engine and this app state reasons as
// sentences (they name the driver, the figures, the table row); the code is the kind of reason,
// recognised from the sentence. A sentence no rule knows is a "referral" (the engine's catch-all).
import type { ReviewEntry } from '../coverage/review-entry';

export interface ReviewReason {
  code: ReviewReasonCode;
  message: string;
}

const RULES = [
  ['unrated', /^cannot rate: /],
  ['unverified-signatures', /did not verify the ledger signatures/],
  ['unknown-driver', /not in the drivers table/],
  ['referral-offence', /is a referral offence/],
  ['violation-points', /violation points within/],
  ['at-fault-claims', /at-fault claims within/],
  ['lease-terms', /^lease terms missing|^no lease terms|policy terms, more than/],
  ['vehicle-value', /^vehicle price new/],
  ['annual-premium', /^annual premium .* is above/],
  ['territory', /territory .* (cannot be resolved|is not)/],
  ['driver-age', /youngest band/],
  [
    'implausible-facts',
    /is after the (term start|transfer date)|below the minimum licensing age|is before the lease start|implausible/,
  ],
] as const satisfies readonly (readonly [string, RegExp])[];

export const REVIEW_REASON_CODES = [...RULES.map(([code]) => code), 'referral'] as const;
export type ReviewReasonCode = (typeof REVIEW_REASON_CODES)[number];

export function isReviewReasonCode(value: string): value is ReviewReasonCode {
  return (REVIEW_REASON_CODES as readonly string[]).includes(value);
}

export function reviewReason(message: string): ReviewReason {
  const rule = RULES.find(([, pattern]) => pattern.test(message));
  return { code: rule ? rule[0] : 'referral', message };
}

/** The distinct codes of an entry's reasons. */
export function reviewReasonCodes(entry: Pick<ReviewEntry, 'reasons'>): ReviewReasonCode[] {
  return [...new Set(entry.reasons.map((message) => reviewReason(message).code))];
}
