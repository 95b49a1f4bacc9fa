// Settings are validated once, with errors that name the variable.
import { parseWebhookSecrets } from '@lease-premium/events';
import { storageServiceUrl } from '@lease-premium/events/azure-storage';
import { ConfigError, loadConfig } from '../src/config';
import { newSecret } from './support/function-app';

const secret = newSecret();
const load = (env: Record<string, string>) => loadConfig(env, parseWebhookSecrets);

describe('loadConfig', () => {
  it('reads a local configuration with defaults', () => {
    expect(load({ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', WEBHOOK_SECRETS: secret })).toEqual({
      storage: { kind: 'connection-string', connectionString: 'UseDevelopmentStorage=true' },
      namePrefix: 'leasepremium',
      webhookSecrets: [secret],
      webhookToleranceSeconds: 300,
      rateTable: 'us-illustrative',
    });
  });

  it('uses the managed identity and the account URL when only STORAGE_ACCOUNT_NAME is set', () => {
    const config = load({
      STORAGE_ACCOUNT_NAME: 'leasepremiumprod',
      WEBHOOK_SECRETS: `${secret} ${newSecret()}`,
      RATE_TABLE: 'eu-bonus-malus-illustrative',
      WEBHOOK_TOLERANCE_SECONDS: '60',
    });
    expect(config.storage).toEqual({ kind: 'identity', accountName: 'leasepremiumprod', clientId: undefined });
    expect(storageServiceUrl(config.storage.kind === 'identity' ? config.storage.accountName : '', 'table')).toBe(
      'https://leasepremiumprod.table.core.windows.net',
    );
    expect(config.webhookSecrets).toHaveLength(2);
    expect(config.webhookToleranceSeconds).toBe(60);
    expect(config.rateTable).toBe('eu-bonus-malus-illustrative');
  });

  it('reads the WebJob health URL the console shows', () => {
    const config = load({
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      WEBHOOK_SECRETS: secret,
      CONSOLE_WEBJOB_HEALTH_URL: 'http://127.0.0.1:7072/healthz',
    });
    expect(config.webjobHealthUrl).toBe('http://127.0.0.1:7072/healthz');
  });

  it.each([
    [{ WEBHOOK_SECRETS: secret }, 'STORAGE_CONNECTION_STRING'],
    [{ STORAGE_ACCOUNT_NAME: 'Bad_Name', WEBHOOK_SECRETS: secret }, 'STORAGE_ACCOUNT_NAME'],
    [{ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, 'WEBHOOK_SECRETS'],
    [{ STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', WEBHOOK_SECRETS: 'not-a-secret' }, 'WEBHOOK_SECRETS'],
    [
      {
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        WEBHOOK_SECRETS: secret,
        WEBHOOK_TOLERANCE_SECONDS: 'soon',
      },
      'WEBHOOK_TOLERANCE_SECONDS',
    ],
    [
      {
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        WEBHOOK_SECRETS: secret,
        STORAGE_NAME_PREFIX: 'lease-premium',
      },
      'STORAGE_NAME_PREFIX',
    ],
    [
      { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', WEBHOOK_SECRETS: secret, RATE_TABLE: 'cheapest' },
      'RATE_TABLE',
    ],
    [
      {
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        WEBHOOK_SECRETS: secret,
        CONSOLE_WEBJOB_HEALTH_URL: 'webjob:8080/healthz',
      },
      'CONSOLE_WEBJOB_HEALTH_URL',
    ],
    [
      {
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        WEBHOOK_SECRETS: secret,
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'nonsense',
      },
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
    ],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(new RegExp(`^${variable}: `));
  });
});
