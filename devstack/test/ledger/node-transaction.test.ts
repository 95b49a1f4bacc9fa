// Output details as the real node re-derives them; the cache of known-canonical keys must not change outcomes.
import { NodeCrash, normalizeDetails } from '../../src/ledger/node-transaction';
import { ALICE, BOB } from './ledger-fixtures';

describe('normalizeDetails', () => {
  test('a valid key comes back unchanged, the first time (base58 round trip) and from the cache', () => {
    for (let i = 0; i < 2; i++) {
      expect(normalizeDetails({ type: 'ed25519-sha-256', public_key: ALICE.public_key })).toEqual({
        type: 'ed25519-sha-256',
        public_key: ALICE.public_key,
      });
    }
  });

  test('threshold details are rebuilt type first with every subcondition normalized', () => {
    const details = {
      threshold: 2,
      subconditions: [ALICE, BOB].map((k) => ({ public_key: k.public_key, type: 'ed25519-sha-256' as const })),
      type: 'threshold-sha-256' as const,
    };
    expect(Object.keys(normalizeDetails(details))).toEqual(['type', 'threshold', 'subconditions']);
    expect(normalizeDetails(details)).toEqual(details);
  });

  test('a key that is not 32 bytes of base58 crashes every time (failures are never cached)', () => {
    const short = ALICE.public_key.slice(0, 30);
    for (let i = 0; i < 2; i++) {
      expect(() => normalizeDetails({ type: 'ed25519-sha-256', public_key: short })).toThrow(NodeCrash);
      expect(() => normalizeDetails({ type: 'ed25519-sha-256', public_key: '0OIl' })).toThrow(NodeCrash);
    }
  });
});
