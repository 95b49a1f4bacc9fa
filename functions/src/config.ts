// The Function App's settings: read from the environment and validated once, at start, into a
// typed object that the composition root passes down. Errors name the variable at fault.
import { TelemetrySettingsError, telemetrySettings, type TelemetrySettings } from '@lease-premium/events/telemetry';
import { BUILT_IN_RATE_TABLES } from './rating';

export type StorageSettings =
  | { kind: 'connection-string'; connectionString: string }
  | { kind: 'identity'; accountName: string; tableEndpoint: string };

export interface FunctionAppConfig {
  storage: StorageSettings;
  /** Every table name derives from it (tests isolate with a unique prefix). */
  namePrefix: string;
  /** Standard Webhooks secrets ("whsec_<base64>"); a delivery signed by ANY of them is accepted. */
  webhookSecrets: string[];
  webhookToleranceSeconds: number;
  /** A built-in rate table set id, or a path to a JSON file holding an array of rate tables. */
  rateTable: string;
  /** Application Insights; undefined = telemetry off (the default locally). */
  telemetry: TelemetrySettings | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function loadConfig(env: Env, parseSecrets: (value: string) => string[]): FunctionAppConfig {
  const connectionString = optional(env, 'STORAGE_CONNECTION_STRING');
  const accountName = optional(env, 'STORAGE_ACCOUNT_NAME');
  let storage: StorageSettings;
  if (connectionString) {
    storage = { kind: 'connection-string', connectionString };
  } else if (accountName) {
    if (!/^[a-z0-9]{3,24}$/.test(accountName)) throw new ConfigError('STORAGE_ACCOUNT_NAME', 'must be 3-24 lowercase letters or digits');
    storage = { kind: 'identity', accountName, tableEndpoint: `https://${accountName}.table.core.windows.net` };
  } else {
    throw new ConfigError('STORAGE_CONNECTION_STRING', 'set STORAGE_CONNECTION_STRING (or "UseDevelopmentStorage=true") locally, or STORAGE_ACCOUNT_NAME in Azure');
  }

  const namePrefix = optional(env, 'STORAGE_NAME_PREFIX') ?? 'leasepremium';
  // Table names: 3-63 alphanumerics starting with a letter; the longest suffix is "DriverVehicles" (14).
  if (!/^[A-Za-z][A-Za-z0-9]{0,48}$/.test(namePrefix)) {
    throw new ConfigError('STORAGE_NAME_PREFIX', 'must start with a letter and hold only letters and digits (at most 49)');
  }

  const secretsValue = optional(env, 'WEBHOOK_SECRETS');
  if (!secretsValue) throw new ConfigError('WEBHOOK_SECRETS', 'is required: space-separated Standard Webhooks secrets "whsec_<base64>"');
  let webhookSecrets: string[];
  try {
    webhookSecrets = parseSecrets(secretsValue);
  } catch (error) {
    throw new ConfigError('WEBHOOK_SECRETS', error instanceof Error ? error.message : String(error));
  }

  const toleranceValue = optional(env, 'WEBHOOK_TOLERANCE_SECONDS') ?? '300';
  const webhookToleranceSeconds = Number(toleranceValue);
  if (!Number.isInteger(webhookToleranceSeconds) || webhookToleranceSeconds < 1 || webhookToleranceSeconds > 86_400) {
    throw new ConfigError('WEBHOOK_TOLERANCE_SECONDS', `must be a whole number of seconds between 1 and 86400, got "${toleranceValue}"`);
  }

  const rateTable = optional(env, 'RATE_TABLE') ?? 'us-illustrative';
  if (!BUILT_IN_RATE_TABLES.includes(rateTable) && !rateTable.toLowerCase().endsWith('.json')) {
    throw new ConfigError('RATE_TABLE', `must be one of ${BUILT_IN_RATE_TABLES.join(', ')} or a path to a .json file, got "${rateTable}"`);
  }

  let telemetry: TelemetrySettings | undefined;
  try {
    telemetry = telemetrySettings(env);
  } catch (error) {
    if (error instanceof TelemetrySettingsError) throw new ConfigError(error.variable, error.detail);
    throw error;
  }

  return { storage, namePrefix, webhookSecrets, webhookToleranceSeconds, rateTable, telemetry };
}
