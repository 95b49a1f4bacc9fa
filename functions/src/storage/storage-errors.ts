// Azure Table failures, sorted into what the Function App's callers act on (statuses and conflicts:
// the shared storage plumbing).
import { RestError } from '@azure/data-tables';
import { statusOf } from '@lease-premium/events/azure-storage';

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

/** Azure's error code of a failed request (the SDK does not always copy it to RestError.code). */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  return (
    error.code ??
    error.response?.headers.get('x-ms-error-code') ??
    /"code"\s*:\s*"([A-Za-z]+)"/.exec(error.message)?.[1]
  );
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
 * A failure of the service or of the way to it, worth retrying: 5xx, throttling, timeouts, a missing
 * table, and errors that never got an answer (the SDK's RestError without a status, system errors
 * such as ECONNREFUSED, aborts). Not: other 4xx, or an error of our own data (a RangeError or
 * TypeError thrown while building or serializing a request), which fails the same way every time.
 */
export function isTransientStorageFailure(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 408 || status === 429 || isTableMissing(error);
  if (error instanceof RestError) return true;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return true;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

/**
 * Runs one storage call; conflicts, not-found and other deterministic failures are the caller's
 * business, transient ones (isTransientStorageFailure) become StorageUnavailableError.
 */
export async function storageCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransientStorageFailure(error)) throw new StorageUnavailableError(operation, error);
    throw error;
  }
}

/**
 * A stored row that fails today's validation (written before a rule existed, or edited by hand).
 * Reads that need a valid record refuse it with this error; the API serves such rows flagged.
 * The message names paths only: values (a date of birth) must not reach the logs.
 */
export class InvalidStoredRecordError extends Error {
  constructor(
    readonly what: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`stored ${what} is not valid (${issues.map((issue) => issue.path || '(document)').join(', ')})`);
    this.name = 'InvalidStoredRecordError';
  }
}
