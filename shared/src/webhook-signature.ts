// Standard Webhooks signatures (https://www.standardwebhooks.com): "v1," + base64 HMAC-SHA256 of
// "<webhook-id>.<webhook-timestamp>.<body>", one per secret, space-separated in webhook-signature.
// The `standardwebhooks` library computes each HMAC (Webhook.sign). Its verify() reads the real
// clock with a fixed 5-minute tolerance, so the timestamp and signature-list checks live here.
import { timingSafeEqual } from 'node:crypto';
import { type Webhook } from 'standardwebhooks';
import { webhooksFor } from './webhook-secrets';

export type WebhookHeaders = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;
export type WebhookVerification =
  | { ok: true; id: string; timestamp: Date }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'timestamp-outside-tolerance' | 'bad-signature' };

export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The library signs text. Valid UTF-8 bytes decode and re-encode to the same bytes, so signing the
 * decoded text is signing the raw body; other bytes cannot be represented and get undefined.
 */
function bodyText(body: string | Uint8Array): string | undefined {
  if (typeof body === 'string') return body;
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

function signatureOf(webhook: Webhook, msgId: string, seconds: number, text: string): string {
  return webhook.sign(msgId, new Date(seconds * 1000), text);
}

export class WebhookSigner {
  private readonly webhooks: Webhook[];

  constructor(secrets: string[]) {
    this.webhooks = webhooksFor(secrets);
  }

  /** Headers for one delivery; sign again for every retry (the timestamp moves on). */
  sign(msgId: string, body: string | Uint8Array, at: Date = new Date()): WebhookHeaders {
    const text = bodyText(body);
    if (text === undefined) throw new Error('webhook body must be UTF-8');
    const seconds = unixSeconds(at);
    return {
      'webhook-id': msgId,
      'webhook-timestamp': String(seconds),
      'webhook-signature': this.webhooks.map((webhook) => signatureOf(webhook, msgId, seconds, text)).join(' '),
    };
  }
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  if (Array.isArray(value)) return name === 'webhook-signature' ? value.join(' ') : value.length === 1 ? value[0] : undefined;
  return value;
}

function readHeaders(headers: HeaderSource): WebhookHeaders | undefined {
  const id = headerValue(headers, 'webhook-id');
  const timestamp = headerValue(headers, 'webhook-timestamp');
  const signature = headerValue(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) return undefined;
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The base64 parts of every "v1,<sig>" entry (other versions are ignored, as the spec says). */
function v1Signatures(header: string): string[] {
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
}

export class WebhookVerifier {
  private readonly webhooks: Webhook[];

  constructor(
    secrets: string[],
    private readonly toleranceSeconds: number = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  ) {
    this.webhooks = webhooksFor(secrets);
  }

  /** Verifies the raw body bytes as received (never a re-serialization); any secret may match. */
  verify(body: string | Uint8Array, headers: HeaderSource, now: Date = new Date()): WebhookVerification {
    const received = readHeaders(headers);
    if (received === undefined) return { ok: false, reason: 'missing-headers' };
    const timestampHeader = received['webhook-timestamp'];
    if (!/^\d{1,15}$/.test(timestampHeader)) return { ok: false, reason: 'bad-timestamp' };
    const seconds = Number(timestampHeader);
    if (Math.abs(unixSeconds(now) - seconds) > this.toleranceSeconds) return { ok: false, reason: 'timestamp-outside-tolerance' };
    const text = bodyText(body);
    if (text === undefined || !this.matches(received['webhook-id'], seconds, text, received['webhook-signature'])) {
      return { ok: false, reason: 'bad-signature' };
    }
    return { ok: true, id: received['webhook-id'], timestamp: new Date(seconds * 1000) };
  }

  private matches(msgId: string, seconds: number, text: string, header: string): boolean {
    const passed = v1Signatures(header);
    const expected = this.webhooks.map((webhook) => signatureOf(webhook, msgId, seconds, text).slice(3));
    return expected.some((mine) => passed.some((theirs) => sameSignature(mine, theirs)));
  }
}
