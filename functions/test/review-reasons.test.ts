// Review reason codes recognised from the sentences the engine and the app write (the codes are
// what GET /api/reviews?reason= filters on; the sentences stay the messages).
import { REVIEW_REASON_CODES, reviewReason, reviewReasonCodes } from '../src/premium/review-reasons';

const KEY = '9vNmhUPQkzbUaBhmqB5MV4qZ6NvaDbTqgBmbpBJNGRXa';

it.each([
  ['cannot rate: vehicle.currency: JPY cannot be priced by rate table us-illustrative, which prices USD', 'unrated'],
  [
    'cannot rate: drivers[0].territory: "moon" is not a territory of rate table us-illustrative 2025.07.0 (urban-core, urban, suburban, rural)',
    'unrated',
  ],
  ['the bridge did not verify the ledger signatures of this transaction', 'unverified-signatures'],
  [
    `driver ${KEY}: not in the drivers table: priced by the table's unknown-driver profile (unknownDriver)`,
    'unknown-driver',
  ],
  [`driver ${KEY}: violation 2026-04-01 DUI (6 points) is a referral offence within 36 months`, 'referral-offence'],
  [`driver ${KEY}: 7 violation points within 36 months (refer at 6)`, 'violation-points'],
  [`driver ${KEY}: 3 at-fault claims within 60 months (refer at 3)`, 'at-fault-claims'],
  [`driver ${KEY}: 3 surcharged at-fault claims within 60 months (refer at 3)`, 'at-fault-claims'],
  [
    "lease terms missing: priced one 12-month term from the transfer date with the table's default lease (defaultLease)",
    'lease-terms',
  ],
  [
    'no lease terms: transfer date 2029-02-01 is on or after the lease end 2029-01-01; annual premium only',
    'lease-terms',
  ],
  ['the remaining lease needs 6 policy terms, more than 5', 'lease-terms'],
  ['vehicle price new 150000.00 USD is above 120000.00 USD', 'vehicle-value'],
  ['annual premium 9000.00 USD is above 8000.00 USD', 'annual-premium'],
  [
    `driver ${KEY}: driver age 17 at 2026-01-01 is below the table's youngest band; priced on driverAge[18-20]`,
    'driver-age',
  ],
  [`driver ${KEY}: licensedSince 2027-01-01 is after the transfer date 2026-01-01`, 'implausible-facts'],
  [`driver ${KEY}: driver age 10 at 2026-01-01 is below the minimum licensing age 16`, 'implausible-facts'],
  ['transfer date 2025-12-01 is before the lease start 2026-01-01', 'implausible-facts'],
  ['some reason a later engine version states', 'referral'],
])('%s -> %s', (message, code) => {
  expect(reviewReason(message)).toEqual({ code, message });
  expect(REVIEW_REASON_CODES).toContain(code);
});

it('an entry lists each code once', () => {
  expect(
    reviewReasonCodes({
      reasons: [`driver a: not in the drivers table`, `driver b: not in the drivers table`, 'something else'],
    }),
  ).toEqual(['unknown-driver', 'referral']);
});
