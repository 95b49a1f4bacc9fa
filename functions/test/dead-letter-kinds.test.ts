// The operations page counts the WebJob's dead letters by the kind each letter carries: every kind the
// WebJob writes is counted as itself (poison included), anything else as unreadable.
import { DEAD_LETTER_KINDS } from '@lease-premium/events';
import { kindOf } from '../src/console/operations-state';

test.each(DEAD_LETTER_KINDS)('a %s letter is counted as %s', (kind) => {
  expect(kindOf(JSON.stringify({ kind, reason: 'r', transactionId: 'a'.repeat(64) }))).toBe(kind);
});

test('a poison letter is not unreadable', () => {
  expect(kindOf('{"kind":"poison","reason":"failed 5 times alone"}')).toBe('poison');
});

test.each(['not json', '{"kind":"something-else"}', '{"kind":7}', 'null'])('%s is unreadable', (text) => {
  expect(kindOf(text)).toBe('unreadable');
});
