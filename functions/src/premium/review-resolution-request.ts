// The body of POST /api/reviews/{reviewId}/resolution, validated at the edge. The OpenAPI document
// is generated from this schema, so both say the same thing.
import { CurrencyCode } from '@lease-premium/events';
import { z } from 'zod';

const text = (max: number, what: string) =>
  z
    .string()
    .min(1, { error: 'must not be blank', abort: true })
    .max(max)
    .refine((value) => value.trim().length > 0, 'must not be blank')
    .describe(what);

const common = {
  reason: text(500, 'Why the premium is approved or overridden (1 to 500 characters)'),
  resolvedBy: text(200, 'Who resolved it: the identifier of the signed-in underwriter (1 to 200 characters)'),
};

export const AnnualPremiumAmount = z
  .strictObject({
    amount: z
      .string()
      .regex(/^(0|[1-9][0-9]{0,11})\.[0-9]{2}$/, 'must be a decimal string with 2 places, e.g. "1234.50"')
      .refine((amount) => amount !== '0.00', 'must be more than 0.00')
      .describe('Major units, 2 decimal places'),
    currency: CurrencyCode,
  })
  .describe('An annual premium');

export const ReviewResolutionRequest = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('approve').describe('The premium stands as rated'),
      ...common,
      annualPremium: z.never({ error: 'is not allowed when approving' }).optional(),
    }),
    z.strictObject({
      decision: z.literal('override').describe('The annual premium given here replaces the rated one'),
      ...common,
      annualPremium: AnnualPremiumAmount,
    }),
  ])
  .describe('An underwriter resolving a review item');

export type ReviewResolutionRequest = z.output<typeof ReviewResolutionRequest>;
