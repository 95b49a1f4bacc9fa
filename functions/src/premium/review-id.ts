// Review ids: the record to review (the car and its history row key), base64url-encoded so clients
// treat the id as opaque and can put it in a URL as is.
export interface ReviewKey {
  assetId: string;
  historyRowKey: string;
}

/** Longest id this API issues is ~220 characters; anything much longer is not one of ours. */
const MAX_ID_LENGTH = 400;
const KEY_TEXT = /^([0-9a-f]{64})~(h~[0-9a-z~]{1,200})$/;

export function reviewIdOf({ assetId, historyRowKey }: ReviewKey): string {
  return Buffer.from(`${assetId}~${historyRowKey}`, 'utf8').toString('base64url');
}

/** undefined for anything this API did not issue. */
export function parseReviewId(id: string): ReviewKey | undefined {
  if (id.length > MAX_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const match = KEY_TEXT.exec(Buffer.from(id, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const key = { assetId: match[1] as string, historyRowKey: match[2] as string };
  return reviewIdOf(key) === id ? key : undefined; // one id per item: no alternative encodings
}
