// The Function App's answer to a webhook delivery: one result per event, in request order. Part of
// the contract like the request: the WebJob reads it to acknowledge or dead-letter each event.
// Field documentation lives in .describe() so it reaches the JSON Schema and the OpenAPI document.
import { z } from 'zod';
import { LedgerId } from './ownership-event';

/** What a processed event did: applied = changed the car's coverage; stale = older than what is applied (history only). */
export const ProcessedOutcome = z
  .enum(['applied', 'stale'])
  .describe("applied: changed the car's coverage; stale: older than the event already applied (history only).");
export type ProcessedOutcome = z.infer<typeof ProcessedOutcome>;

/** Every outcome one event of a delivery can have. */
export const EVENT_OUTCOMES = ['applied', 'stale', 'duplicate', 'rejected'] as const;
export type EventOutcomeName = (typeof EVENT_OUTCOMES)[number];

export const RecordKind = z
  .enum(['registration', 'premium', 'closure', 're-rate'])
  .describe('What the history record the event produced is.');
export type RecordKind = z.infer<typeof RecordKind>;

/** The figures a caller sees for a rated record (the full breakdown is in the history record). */
export const PremiumSummary = z
  .object({
    annualPremiumMinor: z.int().min(0).describe('Annual premium, minor units of `currency`.'),
    leaseTotalMinor: z.int().min(0).describe('Premium for the whole lease term, minor units.'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .describe('ISO 4217 currency of the amounts.'),
    tableVersion: z.string().describe('Version of the rate table that priced it.'),
    ratedDriverKey: z.string().describe('The highest-risk driver the premium is rated on.'),
    ratingOutcome: z.enum(['RATED', 'REFER']).describe('REFER: an underwriter must look at it.'),
    needsReview: z.boolean(),
    reviewReasons: z.array(z.string()),
  })
  .describe('The figures of a rated record.');
export type PremiumSummary = z.infer<typeof PremiumSummary>;

/** Why the engine could not price the car: its coverage is stored without a premium and queued for review. */
export const Unrated = z
  .object({ reason: z.string().describe('Why the rating engine could not price the car.') })
  .describe('Stored unrated: no premium, an underwriter must look at it.');
export type Unrated = z.infer<typeof Unrated>;

const ValidationIssueSchema = z
  .object({ path: z.string(), message: z.string() })
  .describe('A path into the event and what is wrong there.');

export const ProcessedResult = z
  .object({ id: LedgerId, outcome: ProcessedOutcome, kind: RecordKind, premium: PremiumSummary.optional() })
  .describe('Processed now.');
export const DuplicateResult = z
  .object({
    id: LedgerId,
    outcome: z.literal('duplicate'),
    firstOutcome: ProcessedOutcome,
    kind: RecordKind,
    premium: PremiumSummary.optional(),
  })
  .describe('Already processed: the stored outcome, nothing written.');
export const RejectedResult = z
  .object({
    id: z.string().describe('The event id; "" when the event had no usable id.'),
    outcome: z.literal('rejected'),
    reason: z
      .string()
      .describe(
        'Why this event can never be processed as sent (the sender dead-letters it; redelivering it unchanged gives the same answer).',
      ),
    errors: z
      .array(ValidationIssueSchema)
      .optional()
      .describe('Validation failures, paths relative to the batch (index first).'),
  })
  .describe('Not processed, for a reason of the event itself.');

export const WebhookEventResult = z
  .discriminatedUnion('outcome', [ProcessedResult, DuplicateResult, RejectedResult])
  .describe('The outcome of one event of a delivery.');
export type WebhookEventResult = z.infer<typeof WebhookEventResult>;

export const WebhookResponse = z
  .object({ results: z.array(WebhookEventResult).describe('One result per event, in request order.') })
  .describe('200 answer of the ownership-changes webhook, sent once every write is durable.');
export type WebhookResponse = z.infer<typeof WebhookResponse>;
