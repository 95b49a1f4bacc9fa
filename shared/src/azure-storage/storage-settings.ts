// Which storage account a component uses and how it signs in: a connection string (Azurite,
// "UseDevelopmentStorage=true", or an account key) or, in Azure, the account name with the app's
// managed identity. Both the WebJob and the Function App read the same variables.
import type * as AzureIdentity from '@azure/identity';
import { ConfigError, textSetting, type Env } from '../settings/config-error';

export type StorageSettings =
  | { kind: 'connection-string'; connectionString: string }
  /** `clientId`: a user-assigned identity (AZURE_CLIENT_ID); undefined = the system-assigned one. */
  | { kind: 'identity'; accountName: string; clientId: string | undefined };

export type StorageService = 'table' | 'queue' | 'blob';

/** STORAGE_CONNECTION_STRING, else STORAGE_ACCOUNT_NAME (+ AZURE_CLIENT_ID); throws ConfigError naming the variable. */
export function readStorageSettings(env: Env): StorageSettings {
  const connectionString = textSetting(env, 'STORAGE_CONNECTION_STRING');
  if (connectionString) return { kind: 'connection-string', connectionString };
  const accountName = textSetting(env, 'STORAGE_ACCOUNT_NAME');
  if (accountName) {
    // https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name
    if (!/^[a-z0-9]{3,24}$/.test(accountName))
      throw new ConfigError('STORAGE_ACCOUNT_NAME', `must be 3-24 lowercase letters and digits, got "${accountName}"`);
    return { kind: 'identity', accountName, clientId: textSetting(env, 'AZURE_CLIENT_ID') };
  }
  throw new ConfigError(
    'STORAGE_CONNECTION_STRING',
    'set STORAGE_CONNECTION_STRING (or "UseDevelopmentStorage=true") locally, or STORAGE_ACCOUNT_NAME (managed identity) in Azure',
  );
}

/** The public endpoint of one of the account's services. */
export function storageServiceUrl(accountName: string, service: StorageService): string {
  return `https://${accountName}.${service}.core.windows.net`;
}

/**
 * True when the connection string points at plain http (Azurite): the Tables SDK refuses http
 * unless told (`allowInsecureConnection`). The queue and blob SDKs need no such flag.
 */
export function isPlainHttp(connectionString: string): boolean {
  return (
    /UseDevelopmentStorage=true/i.test(connectionString) || /(Endpoint=|Protocol=)http(;|:)/i.test(connectionString)
  );
}

/**
 * The managed identity's credential. @azure/identity is loaded on first call only: it is a large
 * module that a connection-string setup never needs.
 */
export function storageCredential(
  settings: Extract<StorageSettings, { kind: 'identity' }>,
): AzureIdentity.TokenCredential {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require('@azure/identity') as typeof AzureIdentity;
  return new DefaultAzureCredential(settings.clientId ? { managedIdentityClientId: settings.clientId } : {});
}
