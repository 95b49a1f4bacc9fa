// The webhook's answer is part of the contract: the shapes the Function App sends and the WebJob reads.
import { WebhookResponse, jsonSchemaOf, parseWith } from '../src';

const id = 'a'.repeat(64);
const premium = {
  annualPremiumMinor: 120_000,
  leaseTotalMinor: 360_000,
  currency: 'USD',
  tableVersion: '2026.1',
  ratedDriverKey: 'k',
  ratingOutcome: 'RATED',
  needsReview: false,
  reviewReasons: [],
};

describe('WebhookResponse', () => {
  it('accepts each outcome in its own shape', () => {
    const body = {
      results: [
        { id, outcome: 'applied', kind: 'premium', premium },
        { id, outcome: 'stale', kind: 'closure' },
        { id, outcome: 'duplicate', firstOutcome: 'applied', kind: 'registration' },
        {
          id: '',
          outcome: 'rejected',
          reason: 'invalid event: id: is required',
          errors: [{ path: '0.id', message: 'is required' }],
        },
        { id, outcome: 'rejected', reason: 'cannot rate' },
      ],
    };
    expect(parseWith(WebhookResponse, body)).toEqual({ ok: true, value: body });
  });

  it.each([
    ['an unknown outcome', { id, outcome: 'ignored', kind: 'premium' }, 'results.0.outcome'],
    ['a rejection without its reason', { id, outcome: 'rejected' }, 'results.0.reason'],
    ['a duplicate without its first outcome', { id, outcome: 'duplicate', kind: 'premium' }, 'results.0.firstOutcome'],
    ['an applied result without a ledger id', { id: 'x', outcome: 'applied', kind: 'premium' }, 'results.0.id'],
  ])('refuses %s', (_name, result, path) => {
    const parsed = parseWith(WebhookResponse, { results: [result] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((issue) => issue.path)).toContain(path);
  });

  it('has a JSON Schema whose results are a oneOf of the three result shapes', () => {
    const schema = jsonSchemaOf('WebhookResponse') as { properties: { results: { items: { oneOf: unknown[] } } } };
    expect(schema.properties.results.items.oneOf).toHaveLength(3);
  });
});
