// Azure Storage failures by HTTP status. The SDKs (and Azurite) put it on RestError.statusCode;
// the error code is not always set, so callers branch on the status.

/** The HTTP status of a failed storage request; undefined when no answer came. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number')
    return error.statusCode;
  return undefined;
}

/** 409 (already exists) or 412 (ETag no longer matches): another writer got there first. */
export function isConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}
