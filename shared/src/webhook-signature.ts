// Standard Webhooks signatures (https://www.standardwebhooks.com): "v1," + base64 HMAC-SHA256 of
// "<webhook-id>.<webhook-timestamp>.<body>", one per secret, space-separated in webhook-signature.
// The HMAC is node:crypto's over the raw body bytes: the `standardwebhooks` library hashes in
// JavaScript (fast-sha256) and was ~5% of the WebJob's CPU on 100-event batches; its output is the
// reference our tests compare against. Its verify() also reads the real clock with a fixed
// 5-minute tolerance, so the timestamp and signature-list checks live here.
import { isUtf8 } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { webhookKeysFor } from './webhook-secrets';

export type WebhookHeaders = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;
export type WebhookVerification =
  | { ok: true; id: string; timestamp: Date }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'timestamp-outside-tolerance' | 'bad-signature' };

export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The body as bytes. Bodies must be UTF-8 (JSON): other bytes are refused rather than signed, so a
 * receiver that decodes text can never see a different body than the one that was signed.
 */
function bodyBytes(body: string | Uint8Array): Uint8Array | undefined {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return isUtf8(body) ? body : undefined;
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** "v1," + base64 HMAC-SHA256 of "<msgId>.<seconds>.<body>" (Standard Webhooks, symmetric v1). */
function signatureOf(key: Buffer, msgId: string, seconds: number, body: Uint8Array): string {
  return `v1,${createHmac('sha256', key).update(`${msgId}.${seconds}.`).update(body).digest('base64')}`;
}

export class WebhookSigner {
  private readonly keys: Buffer[];

  constructor(secrets: string[]) {
    this.keys = webhookKeysFor(secrets);
  }

  /** Headers for one delivery; sign again for every retry (the timestamp moves on). */
  sign(msgId: string, body: string | Uint8Array, at: Date = new Date()): WebhookHeaders {
    const bytes = bodyBytes(body);
    if (bytes === undefined) throw new Error('webhook body must be UTF-8');
    const seconds = unixSeconds(at);
    return {
      'webhook-id': msgId,
      'webhook-timestamp': String(seconds),
      'webhook-signature': this.keys.map((key) => signatureOf(key, msgId, seconds, bytes)).join(' '),
    };
  }
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  if (Array.isArray(value))
    return name === 'webhook-signature' ? value.join(' ') : value.length === 1 ? value[0] : undefined;
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
  private readonly keys: Buffer[];

  constructor(
    secrets: string[],
    private readonly toleranceSeconds: number = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  ) {
    this.keys = webhookKeysFor(secrets);
  }

  /** Verifies the raw body bytes as received (never a re-serialization); any secret may match. */
  verify(body: string | Uint8Array, headers: HeaderSource, now: Date = new Date()): WebhookVerification {
    const received = readHeaders(headers);
    if (received === undefined) return { ok: false, reason: 'missing-headers' };
    const timestampHeader = received['webhook-timestamp'];
    if (!/^\d{1,15}$/.test(timestampHeader)) return { ok: false, reason: 'bad-timestamp' };
    const seconds = Number(timestampHeader);
    if (Math.abs(unixSeconds(now) - seconds) > this.toleranceSeconds)
      return { ok: false, reason: 'timestamp-outside-tolerance' };
    const bytes = bodyBytes(body);
    if (bytes === undefined || !this.matches(received['webhook-id'], seconds, bytes, received['webhook-signature'])) {
      return { ok: false, reason: 'bad-signature' };
    }
    return { ok: true, id: received['webhook-id'], timestamp: new Date(seconds * 1000) };
  }

  private matches(msgId: string, seconds: number, body: Uint8Array, header: string): boolean {
    const passed = v1Signatures(header);
    const expected = this.keys.map((key) => signatureOf(key, msgId, seconds, body).slice(3));
    return expected.some((mine) => passed.some((theirs) => sameSignature(mine, theirs)));
  }
}
