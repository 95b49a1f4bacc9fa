import { randomBytes } from 'node:crypto';

/** The connection string of the Azurite that jest's global setup started. */
export function testStorageConnectionString(): string {
  const value = process.env.AZURE_STORAGE_CONNECTION_STRING_TESTS;
  if (!value)
    throw new Error(
      'AZURE_STORAGE_CONNECTION_STRING_TESTS is not set: run tests through jest (global setup starts Azurite)',
    );
  return value;
}

/** A table/queue-safe unique name (letters and digits, starts with a letter) so suites never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9]/g, '')}${randomBytes(4).toString('hex')}`;
}
