// The Function App's settings: read from the environment and validated once, at start, into a
// typed object that the composition root passes down. Errors name the variable at fault.
import { readStorageSettings, type StorageSettings } from '@lease-premium/events/azure-storage';
import { ConfigError, configErrorOf, textSetting, type Env } from '@lease-premium/events/settings';
import { telemetrySettings, type TelemetrySettings } from '@lease-premium/events/telemetry';
import { BUILT_IN_RATE_TABLES } from './rating';

export { ConfigError };

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
  /**
   * The WebJob's /healthz, shown on the console's operations page. The local stack sets it; in
   * Azure the WebJob's health port is private to its instance, so it stays unset there.
   */
  webjobHealthUrl: string | undefined;
}

export function loadConfig(env: Env, parseSecrets: (value: string) => string[]): FunctionAppConfig {
  const storage = readStorageSettings(env);

  const namePrefix = storageNamePrefix(env);

  const secretsValue = textSetting(env, 'WEBHOOK_SECRETS');
  if (!secretsValue)
    throw new ConfigError('WEBHOOK_SECRETS', 'is required: space-separated Standard Webhooks secrets "whsec_<base64>"');
  let webhookSecrets: string[];
  try {
    webhookSecrets = parseSecrets(secretsValue);
  } catch (error) {
    throw configErrorOf('WEBHOOK_SECRETS', error);
  }

  const toleranceValue = textSetting(env, 'WEBHOOK_TOLERANCE_SECONDS') ?? '300';
  const webhookToleranceSeconds = Number(toleranceValue);
  if (!Number.isInteger(webhookToleranceSeconds) || webhookToleranceSeconds < 1 || webhookToleranceSeconds > 86_400) {
    throw new ConfigError(
      'WEBHOOK_TOLERANCE_SECONDS',
      `must be a whole number of seconds between 1 and 86400, got "${toleranceValue}"`,
    );
  }

  const rateTable = textSetting(env, 'RATE_TABLE') ?? 'us-illustrative';
  if (!BUILT_IN_RATE_TABLES.includes(rateTable) && !rateTable.toLowerCase().endsWith('.json')) {
    throw new ConfigError(
      'RATE_TABLE',
      `must be one of ${BUILT_IN_RATE_TABLES.join(', ')} or a path to a .json file, got "${rateTable}"`,
    );
  }

  // (a telemetry setting's error is a ConfigError too)
  const telemetry = telemetrySettings(env);

  return {
    storage,
    namePrefix,
    webhookSecrets,
    webhookToleranceSeconds,
    rateTable,
    telemetry,
    webjobHealthUrl: webjobHealthUrl(env),
  };
}

/** STORAGE_NAME_PREFIX (default "leasepremium"): also read by the layout migration command. */
export function storageNamePrefix(env: Env): string {
  const namePrefix = textSetting(env, 'STORAGE_NAME_PREFIX') ?? 'leasepremium';
  // Table names: 3-63 alphanumerics starting with a letter; the longest suffix is "DriverVehicles" (14).
  if (!/^[A-Za-z][A-Za-z0-9]{0,48}$/.test(namePrefix)) {
    throw new ConfigError(
      'STORAGE_NAME_PREFIX',
      'must start with a letter and hold only letters and digits (at most 49)',
    );
  }
  return namePrefix;
}

function webjobHealthUrl(env: Env): string | undefined {
  const value = textSetting(env, 'CONSOLE_WEBJOB_HEALTH_URL');
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('CONSOLE_WEBJOB_HEALTH_URL', `must be an absolute http(s) URL, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ConfigError('CONSOLE_WEBJOB_HEALTH_URL', `must be an absolute http(s) URL, got "${value}"`);
  return value;
}
