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
  // The SDK's own token is base64 JSON {nextPartitionKey, nextRowKey?}: check it fully before the SDK
  // and the service see it, so a forged one is the client's 400, never an error of ours or theirs.
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(sdkToken, 'base64').toString('utf8'));
  } catch {
    throw new InvalidContinuationTokenError();
  }
  if (!isSdkToken(parsed)) throw new InvalidContinuationTokenError();
  return sdkToken;
}

/** PartitionKey/RowKey as this app writes them (encodeTableKey): at most 1 KiB, none of the characters Azure forbids. */
// eslint-disable-next-line no-control-regex -- control characters are what Azure forbids in keys
const STORED_KEY = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{0,1024}$/;

function isSdkToken(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { nextPartitionKey, nextRowKey, ...rest } = value as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof nextPartitionKey === 'string' &&
    STORED_KEY.test(nextPartitionKey) &&
    (nextRowKey === undefined || (typeof nextRowKey === 'string' && STORED_KEY.test(nextRowKey)))
  );
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}
