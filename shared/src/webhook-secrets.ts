// Standard Webhooks secrets: "whsec_" + base64 of the HMAC key. WEBHOOK_SECRETS holds one or more,
// space-separated: the WebJob signs with all of them, the Function App accepts any (rotation).
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The specification recommends keys of 24 to 64 bytes. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** Base64 key bytes of one "whsec_..." secret, or a reason it is unusable. */
function keyLength(secret: string): number | string {
  const base64 = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return 'is not valid base64';
  return Buffer.from(base64, 'base64').length;
}

/** "whsec_a whsec_b" -> ["whsec_a", "whsec_b"]; throws an Error naming WEBHOOK_SECRETS on anything else. */
export function parseWebhookSecrets(value: string): string[] {
  const secrets = value.split(/\s+/).filter((token) => token !== '');
  if (secrets.length === 0) throw new Error('WEBHOOK_SECRETS: must hold at least one secret "whsec_<base64>"');
  secrets.forEach((secret, index) => {
    const problem = secretProblem(secret);
    if (problem !== undefined) throw new Error(`WEBHOOK_SECRETS: secret #${index + 1} ${problem}`);
  });
  return secrets;
}

function secretProblem(secret: string): string | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return `must start with "${WEBHOOK_SECRET_PREFIX}"`;
  const length = keyLength(secret);
  if (typeof length === 'string') return length;
  if (length < MIN_KEY_BYTES || length > MAX_KEY_BYTES)
    return `must decode to ${MIN_KEY_BYTES}..${MAX_KEY_BYTES} bytes (got ${length})`;
  return undefined;
}

/** The HMAC key of each secret (validated as parseWebhookSecrets does, with an error naming its position). */
export function webhookKeysFor(secrets: readonly string[]): Buffer[] {
  if (secrets.length === 0) throw new Error('at least one webhook secret is required');
  return secrets.map((secret, index) => {
    const problem = secretProblem(secret);
    if (problem !== undefined) throw new Error(`webhook secret #${index + 1} is unusable: it ${problem}`);
    return Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  });
}
