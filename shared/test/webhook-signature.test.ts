// Standard Webhooks signing and verification, anchored on the specification's published vector
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts "sign function
// works"; the same values appear in the other reference libraries' tests).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { parseWebhookSecrets, WebhookSigner, WebhookVerifier } from '../src';

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
/** A well-formed v1 signature that matches nothing (from the reference library's multi-signature test). */
const DECOY = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
const AT = new Date(VECTOR.timestamp * 1000);

function vectorHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    'webhook-id': VECTOR.msgId,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
    ...overrides,
  };
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

describe('published Standard Webhooks vector', () => {
  it('signs to the published signature', () => {
    const headers = new WebhookSigner([VECTOR.secret]).sign(VECTOR.msgId, VECTOR.payload, AT);
    expect(headers).toEqual({
      'webhook-id': VECTOR.msgId,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('verifies the published signature over the raw bytes, as a string and as a Buffer', () => {
    const verifier = new WebhookVerifier([VECTOR.secret]);
    expect(verifier.verify(VECTOR.payload, vectorHeaders(), AT)).toEqual({ ok: true, id: VECTOR.msgId, timestamp: AT });
    expect(verifier.verify(Buffer.from(VECTOR.payload, 'utf8'), vectorHeaders(), AT).ok).toBe(true);
    expect(verifier.verify(new Uint8Array(Buffer.from(VECTOR.payload)), vectorHeaders(), AT).ok).toBe(true);
  });

  it('finds the valid one among several signatures, ignoring other versions', () => {
    const signature = [DECOY, DECOY.replace('v1,', 'v2,'), VECTOR.signature, DECOY].join(' ');
    expect(
      new WebhookVerifier([VECTOR.secret]).verify(VECTOR.payload, vectorHeaders({ 'webhook-signature': signature }), AT)
        .ok,
    ).toBe(true);
  });

  it('accepts a fetch-style Headers object and header names in any case', () => {
    const verifier = new WebhookVerifier([VECTOR.secret]);
    expect(verifier.verify(VECTOR.payload, new Headers(vectorHeaders() as Record<string, string>), AT).ok).toBe(true);
    const shouting = {
      'Webhook-Id': VECTOR.msgId,
      'WEBHOOK-TIMESTAMP': String(VECTOR.timestamp),
      'Webhook-Signature': VECTOR.signature,
    };
    expect(verifier.verify(VECTOR.payload, shouting, AT).ok).toBe(true);
  });
});

describe('rotation: several secrets', () => {
  const oldSecret = newSecret();
  const newer = newSecret();
  const body = '[{"id":"x"}]';

  it('the signer puts one v1 signature per secret into the header', () => {
    const headers = new WebhookSigner([oldSecret, newer]).sign('delivery-1', body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature'].split(' ').every((part) => part.startsWith('v1,'))).toBe(true);
  });

  it.each([
    ['old only', [oldSecret], [oldSecret]],
    ['old only', [oldSecret], [oldSecret, newer]],
    ['both', [oldSecret, newer], [oldSecret]],
    ['both', [oldSecret, newer], [newer]],
    ['new only', [newer], [oldSecret, newer]],
  ])(
    'sender with %s secret(s) is accepted by a receiver holding a matching one',
    (_label, senderSecrets, receiverSecrets) => {
      const headers = new WebhookSigner(senderSecrets).sign('delivery-1', body);
      expect(new WebhookVerifier(receiverSecrets).verify(body, headers)).toMatchObject({ ok: true, id: 'delivery-1' });
    },
  );

  it('a receiver without any of the sender secrets refuses', () => {
    const headers = new WebhookSigner([oldSecret]).sign('delivery-1', body);
    expect(new WebhookVerifier([newer]).verify(body, headers)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('timestamp tolerance', () => {
  const verifier = new WebhookVerifier([VECTOR.secret], 300);
  const seconds = (offset: number) => new Date((VECTOR.timestamp + offset) * 1000);

  it.each([0, 1, 299, 300, -1, -300])('accepts a receiver clock %i s from the timestamp', (offset) => {
    expect(verifier.verify(VECTOR.payload, vectorHeaders(), seconds(offset)).ok).toBe(true);
  });

  it.each([301, 3600, -301, -3600])('refuses a receiver clock %i s from the timestamp', (offset) => {
    expect(verifier.verify(VECTOR.payload, vectorHeaders(), seconds(offset))).toEqual({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
  });

  it('honours a configured tolerance', () => {
    const strict = new WebhookVerifier([VECTOR.secret], 5);
    expect(strict.verify(VECTOR.payload, vectorHeaders(), seconds(5)).ok).toBe(true);
    expect(strict.verify(VECTOR.payload, vectorHeaders(), seconds(6))).toEqual({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
  });

  it('uses the real clock by default: a fresh signature verifies, the 2021 vector is too old', () => {
    const secret = newSecret();
    const headers = new WebhookSigner([secret]).sign('m', 'body');
    expect(new WebhookVerifier([secret]).verify('body', headers).ok).toBe(true);
    expect(new WebhookVerifier([VECTOR.secret]).verify(VECTOR.payload, vectorHeaders())).toEqual({
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
  });

  it.each(['hello', '', '1614265330.5', '-1614265330', '1e9', ' 1614265330', '0x60380a72'])(
    'refuses the timestamp header %j',
    (timestamp) => {
      const expected = timestamp === '' ? 'missing-headers' : 'bad-timestamp';
      expect(verifier.verify(VECTOR.payload, vectorHeaders({ 'webhook-timestamp': timestamp }), AT)).toEqual({
        ok: false,
        reason: expected,
      });
    },
  );
});

describe('forged, missing and tampered', () => {
  const verifier = new WebhookVerifier([VECTOR.secret]);
  const refused = (reason: string) => ({ ok: false, reason });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a request without %s', (name) => {
    expect(verifier.verify(VECTOR.payload, vectorHeaders({ [name]: undefined }), AT)).toEqual(
      refused('missing-headers'),
    );
  });

  it('refuses a request with no headers at all', () => {
    expect(verifier.verify(VECTOR.payload, {}, AT)).toEqual(refused('missing-headers'));
    expect(verifier.verify(VECTOR.payload, new Headers(), AT)).toEqual(refused('missing-headers'));
  });

  it.each([
    ['one byte of the body changed', '{"test": 2432232315}'],
    ['whitespace added', '{"test": 2432232314} '],
    ['re-serialized JSON', JSON.stringify(JSON.parse(VECTOR.payload))],
    ['empty body', ''],
  ])('refuses a tampered body: %s', (_label, body) => {
    expect(verifier.verify(body, vectorHeaders(), AT)).toEqual(refused('bad-signature'));
  });

  it('refuses a changed webhook-id or timestamp (both are signed)', () => {
    expect(verifier.verify(VECTOR.payload, vectorHeaders({ 'webhook-id': 'msg_other' }), AT)).toEqual(
      refused('bad-signature'),
    );
    const later = String(VECTOR.timestamp + 1);
    expect(verifier.verify(VECTOR.payload, vectorHeaders({ 'webhook-timestamp': later }), AT)).toEqual(
      refused('bad-signature'),
    );
  });

  it.each([
    ['a decoy signature', DECOY],
    ['a truncated signature', VECTOR.signature.slice(0, 8)],
    ['an empty v1 signature', 'v1,'],
    ['the right signature under another version', VECTOR.signature.replace('v1,', 'v2,')],
    ['the signature without its version', VECTOR.signature.slice(3)],
    ['the signature in hex', `v1,${Buffer.from(VECTOR.signature.slice(3), 'base64').toString('hex')}`],
  ])('refuses %s', (_label, signature) => {
    expect(verifier.verify(VECTOR.payload, vectorHeaders({ 'webhook-signature': signature }), AT)).toEqual(
      refused('bad-signature'),
    );
  });

  it('refuses a signature made with another secret (a forger without the key)', () => {
    const forged = new WebhookSigner([newSecret()]).sign(VECTOR.msgId, VECTOR.payload, AT);
    expect(verifier.verify(VECTOR.payload, forged, AT)).toEqual(refused('bad-signature'));
  });

  it('verifies raw bytes: a body that is not UTF-8 is refused, never decoded lossily into a match', () => {
    const secret = newSecret();
    const text = '{"make":"Škoda"}';
    const headers = new WebhookSigner([secret]).sign('m', text);
    const good = Buffer.from(text, 'utf8');
    expect(new WebhookVerifier([secret]).verify(good, headers).ok).toBe(true);
    // Latin-1 bytes of the same text: what a lossy decoder might turn into something else entirely.
    expect(new WebhookVerifier([secret]).verify(Buffer.from(text, 'latin1'), headers)).toEqual(
      refused('bad-signature'),
    );
    expect(() => new WebhookSigner([secret]).sign('m', Buffer.from([0xff, 0xfe]))).toThrow(
      'webhook body must be UTF-8',
    );
  });
});

describe('agreement with the standardwebhooks reference library', () => {
  it('signs exactly as the library does, and verifies what the library signs, for any UTF-8 body', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/),
        fc.integer({ min: 0, max: 4_102_444_800 }),
        (payload, msgId, seconds) => {
          const secret = newSecret();
          const at = new Date(seconds * 1000);
          const reference = new Webhook(secret).sign(msgId, at, payload);
          expect(new WebhookSigner([secret]).sign(msgId, payload, at)['webhook-signature']).toBe(reference);
          const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(seconds), 'webhook-signature': reference };
          expect(new WebhookVerifier([secret]).verify(Buffer.from(payload, 'utf8'), headers, at).ok).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('secrets', () => {
  it('parseWebhookSecrets splits on whitespace and keeps the order', () => {
    const a = newSecret();
    const b = newSecret();
    expect(parseWebhookSecrets(`  ${a}\t${b} `)).toEqual([a, b]);
    expect(parseWebhookSecrets(VECTOR.secret)).toEqual([VECTOR.secret]);
  });

  it.each([
    ['', 'WEBHOOK_SECRETS: must hold at least one secret'],
    ['   ', 'WEBHOOK_SECRETS: must hold at least one secret'],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'WEBHOOK_SECRETS: secret #1 must start with "whsec_"'],
    [`${VECTOR.secret} whsec_not*base64`, 'WEBHOOK_SECRETS: secret #2 is not valid base64'],
    ['whsec_c2hvcnQ=', 'WEBHOOK_SECRETS: secret #1 must decode to 24..64 bytes (got 5)'],
    [`whsec_${randomBytes(65).toString('base64')}`, 'WEBHOOK_SECRETS: secret #1 must decode to 24..64 bytes (got 65)'],
  ])('parseWebhookSecrets(%j) throws naming the variable', (value, message) => {
    expect(() => parseWebhookSecrets(value)).toThrow(message);
  });

  it('signer and verifier refuse an empty list or an unusable secret', () => {
    expect(() => new WebhookSigner([])).toThrow('at least one webhook secret is required');
    expect(() => new WebhookVerifier([])).toThrow('at least one webhook secret is required');
    expect(() => new WebhookVerifier(['whsec_'])).toThrow('webhook secret #1 is unusable');
    expect(() => new WebhookSigner(['whsec_!!!!'])).toThrow('webhook secret #1 is unusable');
  });
});
