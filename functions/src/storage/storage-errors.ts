// Azure Table failures, sorted into what callers act on. The SDK (and Azurite) put the HTTP status
// on RestError.statusCode; the error code is not always set, so we branch on the status.
import { RestError } from '@azure/data-tables';

/** Storage could not be reached or failed on its side: the caller should answer 503 and be retried. */
export class StorageUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`storage unavailable during ${operation}: ${describe(cause)}`, { cause });
    this.name = 'StorageUnavailableError';
  }
}

function describe(error: unknown): string {
  if (error instanceof RestError) return `${error.statusCode ?? 'no status'} ${error.code ?? error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function statusOf(error: unknown): number | undefined {
  if (error instanceof RestError) return error.statusCode;
  if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number') return error.statusCode;
  return undefined;
}

/** 409 (entity exists) or 412 (ETag no longer matches): another writer got there first. */
export function isConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}

/** Azure's error code of a failed request (the SDK does not always copy it to RestError.code). */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  return error.code ?? error.response?.headers.get('x-ms-error-code') ?? /"code"\s*:\s*"([A-Za-z]+)"/.exec(error.message)?.[1];
}

/**
 * 404 because the TABLE is missing (storage restarted empty, or someone deleted it), not the row.
 * Never "not found" to callers: they would take it for "no such car" and write on that basis.
 */
export function isTableMissing(error: unknown): boolean {
  return statusOf(error) === 404 && errorCodeOf(error) === TABLE_NOT_FOUND;
}

export const TABLE_NOT_FOUND = 'TableNotFound';

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404 && !isTableMissing(error);
}

/**
 * Runs one storage call; conflicts and not-found are the caller's business, everything else
 * (5xx, throttling, connection refused, timeouts, a missing table) becomes StorageUnavailableError.
 */
export async function storageCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429 && !isTableMissing(error)) throw error;
    throw new StorageUnavailableError(operation, error);
  }
}
