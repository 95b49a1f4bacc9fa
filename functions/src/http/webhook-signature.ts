// The webhook's second lock (after the function key): a Standard Webhooks signature over the exact
// raw body, by any of the configured secrets, within the timestamp tolerance.
import type { HttpRequest } from '@azure/functions';
import type { WebhookVerifier } from '@lease-premium/events';
import type { HttpCheck } from './http-check';
import { problem } from './problem';

const REASONS: Record<string, string> = {
  'missing-headers': 'the webhook-id, webhook-timestamp and webhook-signature headers are required',
  'bad-timestamp': 'webhook-timestamp is not a Unix timestamp in seconds',
  'timestamp-outside-tolerance': 'webhook-timestamp is outside the accepted tolerance (replayed or clock skew)',
  'bad-signature': 'no webhook-signature matches the body with any configured secret',
};

/** The delivery id (webhook-id) of a delivery whose signature holds. */
export function verifyWebhook(
  verifier: WebhookVerifier,
  body: Uint8Array,
  request: HttpRequest,
  now: Date,
): HttpCheck<string> {
  const result = verifier.verify(body, request.headers, now);
  if (result.ok) return { ok: true, value: result.id };
  return {
    ok: false,
    response: problem(401, 'signature', 'Signature verification failed', REASONS[result.reason] ?? result.reason),
  };
}
