// The credential for identity-based storage access (a managed identity in Azure).
import type * as AzureIdentity from '@azure/identity';

/**
 * A DefaultAzureCredential, with @azure/identity loaded at this first call: the identity client
 * (with MSAL) is large and a connection-string setup never needs it, so the package ships it as a
 * file of its own that a cold start does not read.
 */
export function azureCredential(): AzureIdentity.DefaultAzureCredential {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultAzureCredential } = require('@azure/identity') as typeof AzureIdentity;
  return new DefaultAzureCredential();
}
