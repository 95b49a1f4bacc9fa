// The webhook's second lock (after the function key): a Standard Webhooks signature over the exact
// raw body, by any of the configured secrets, within the timestamp tolerance.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { WebhookVerifier } from '@lease-premium/events';
import { problem } from './problem';

const REASONS: Record<string, string> = {
  'missing-headers': 'the webhook-id, webhook-timestamp and webhook-signature headers are required',
  'bad-timestamp': 'webhook-timestamp is not a Unix timestamp in seconds',
  'timestamp-outside-tolerance': 'webhook-timestamp is outside the accepted tolerance (replayed or clock skew)',
  'bad-signature': 'no webhook-signature matches the body with any configured secret',
};

export function verifyWebhook(verifier: WebhookVerifier, body: Uint8Array, request: HttpRequest, now: Date): { ok: true; deliveryId: string } | { ok: false; response: HttpResponseInit } {
  const result = verifier.verify(body, request.headers, now);
  if (result.ok) return { ok: true, deliveryId: result.id };
  return { ok: false, response: problem(401, 'signature', 'Signature verification failed', REASONS[result.reason] ?? result.reason) };
}
