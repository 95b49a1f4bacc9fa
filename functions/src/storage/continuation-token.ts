// Opaque paging tokens for the HTTP API: base64url of the Table continuation the SDK returns, so
// clients never see (or forge) internal keys in a readable form; a malformed token is a 400.
export class InvalidContinuationTokenError extends Error {
  constructor() {
    super('continuationToken is not a token this API issued');
    this.name = 'InvalidContinuationTokenError';
  }
}

export function encodeContinuationToken(sdkToken: string | undefined): string | undefined {
  return sdkToken ? Buffer.from(`v1:${sdkToken}`, 'utf8').toString('base64url') : undefined;
}

export function decodeContinuationToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidContinuationTokenError();
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('v1:')) throw new InvalidContinuationTokenError();
  const sdkToken = text.slice(3);
  // The SDK's own token is base64 JSON {nextPartitionKey, nextRowKey?}: check it before the SDK parses it.
  try {
    const parsed = JSON.parse(Buffer.from(sdkToken, 'base64').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'nextPartitionKey' in parsed && typeof parsed.nextPartitionKey === 'string') return sdkToken;
  } catch {
    // fall through: not JSON
  }
  throw new InvalidContinuationTokenError();
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}
