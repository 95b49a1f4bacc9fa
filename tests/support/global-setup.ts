// Starts one real Azurite for the whole jest run (in memory, free ports, telemetry off). Suites
// isolate themselves with unique table/queue/container names. Suites that need to restart storage
// start their own instance with startAzurite().
import { startAzurite, type AzuriteInstance } from '../../devstack/src/azurite/azurite-process';

declare global {
  var __AZURITE__: AzuriteInstance | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.AZURE_STORAGE_CONNECTION_STRING_TESTS) return; // an externally provided Azurite
  const azurite = await startAzurite();
  globalThis.__AZURITE__ = azurite;
  process.env.AZURE_STORAGE_CONNECTION_STRING_TESTS = azurite.connectionString;
}
