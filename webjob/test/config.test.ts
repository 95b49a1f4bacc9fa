import { ConfigError, loadConfig } from '../src/config';
import { heapLimitMb } from '../src/heap-limit';
import { TEST_SECRETS } from './support/events';

const KEY = '4K9sWUMFwTgaDGPfdynrbxWqWS6sWmKbZoTjxLtVUibD';
const minimal = {
  WEBHOOK_SECRETS: TEST_SECRETS.join(' '),
  LEASING_COMPANY_PUBLIC_KEYS: KEY,
  STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
};

test('defaults', () => {
  const config = loadConfig(minimal);
  expect(config.ledger.apiUrl).toBe('http://127.0.0.1:9984/api/v1/');
  expect(config.ledger.wsUrl).toBeUndefined();
  expect(config.webhook.url).toBe('http://127.0.0.1:7071/api/ownership-changes');
  expect(config.webhook.secrets).toEqual(TEST_SECRETS);
  expect(config.webhook.batchSize).toBe(100);
  // above the Function App's functionTimeout (host.json 00:02:00): a retry never overlaps a running request
  expect(config.webhook.timeoutMs).toBe(150_000);
  expect(config.webhook.maxConcurrency).toBe(8);
  expect(config.webhook.initialConcurrency).toBe(2);
  expect(config.webhook.healthUrl).toBe('http://127.0.0.1:7071/api/health');
  expect(config.webhook.maxEventAttempts).toBe(5);
  expect(config.stallAlertSeconds).toBe(120);
  expect(config.startPosition).toEqual({ kind: 'earliest' });
  expect(config.storage).toEqual({
    kind: 'connection-string',
    connectionString: 'UseDevelopmentStorage=true',
    namePrefix: 'leasepremium',
  });
  expect([...config.trust.leasingCompanyPublicKeys]).toEqual([KEY]);
  expect(config.leaseSeconds).toBe(30);
  expect(config.logLevel).toBe('info');
});

test('the receiver health URL defaults to /api/health on the webhook origin', () => {
  expect(
    loadConfig({ ...minimal, WEBHOOK_URL: 'https://func-x.azurewebsites.net/api/ownership-changes?code=k' }).webhook
      .healthUrl,
  ).toBe('https://func-x.azurewebsites.net/api/health');
  expect(loadConfig({ ...minimal, WEBHOOK_HEALTH_URL: 'http://h:1/ready' }).webhook.healthUrl).toBe('http://h:1/ready');
  expect(() => loadConfig({ ...minimal, WEBHOOK_HEALTH_URL: 'ftp://h/x' })).toThrow(/WEBHOOK_HEALTH_URL/);
  expect(() => loadConfig({ ...minimal, WEBJOB_MAX_EVENT_ATTEMPTS: '0' })).toThrow(
    /WEBJOB_MAX_EVENT_ATTEMPTS: must be an integer from 1 to 100/,
  );
  expect(() => loadConfig({ ...minimal, WEBJOB_STALL_ALERT_SECONDS: 'soon' })).toThrow(/WEBJOB_STALL_ALERT_SECONDS/);
});

test('the adaptive limit starts at most at its ceiling', () => {
  expect(loadConfig({ ...minimal, WEBJOB_MAX_CONCURRENCY: '1' }).webhook.initialConcurrency).toBe(1);
  expect(
    loadConfig({ ...minimal, WEBJOB_MAX_CONCURRENCY: '32', WEBJOB_INITIAL_CONCURRENCY: '4' }).webhook,
  ).toMatchObject({ maxConcurrency: 32, initialConcurrency: 4 });
});

test('parses every kind of value', () => {
  const config = loadConfig({
    ...minimal,
    LEDGER_API_URL: 'http://ledger:9984/api/v1',
    LEDGER_WS_URL: 'ws://ledger:9985/api/v1/streams/valid_transactions',
    WEBJOB_START_POSITION: '1234',
    LEASING_COMPANY_PUBLIC_KEYS: `${KEY}, 3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9`,
    STORAGE_CONNECTION_STRING: '',
    STORAGE_ACCOUNT_NAME: 'leaseprod',
    AZURE_CLIENT_ID: 'abc',
    LOG_LEVEL: 'DEBUG',
  });
  expect(config.ledger.apiUrl).toBe('http://ledger:9984/api/v1/');
  expect(config.startPosition).toEqual({ kind: 'height', height: 1234 });
  expect(config.trust.leasingCompanyPublicKeys.size).toBe(2);
  expect(config.storage).toEqual({
    kind: 'identity',
    accountName: 'leaseprod',
    clientId: 'abc',
    namePrefix: 'leasepremium',
  });
  expect(config.logLevel).toBe('debug');
});

test.each([
  [{ WEBHOOK_SECRETS: undefined }, /^WEBHOOK_SECRETS: is required/],
  [{ WEBHOOK_SECRETS: 'secret' }, /^WEBHOOK_SECRETS: /],
  [{ LEASING_COMPANY_PUBLIC_KEYS: '' }, /^LEASING_COMPANY_PUBLIC_KEYS: is required/],
  [{ LEASING_COMPANY_PUBLIC_KEYS: 'not-a-key!' }, /^LEASING_COMPANY_PUBLIC_KEYS: "not-a-key!"/],
  [{ STORAGE_CONNECTION_STRING: undefined }, /^STORAGE_CONNECTION_STRING: set STORAGE_CONNECTION_STRING/],
  [{ STORAGE_NAME_PREFIX: 'Bad-Prefix' }, /^STORAGE_NAME_PREFIX: /],
  [{ LEDGER_API_URL: 'ledger:9984' }, /^LEDGER_API_URL: must use http: or https:/],
  [{ LEDGER_WS_URL: 'http://x' }, /^LEDGER_WS_URL: must use ws: or wss:/],
  [{ WEBJOB_BATCH_SIZE: '0' }, /^WEBJOB_BATCH_SIZE: must be an integer from 1 to 1000, got "0"/],
  [{ WEBJOB_MAX_CONCURRENCY: '2.5' }, /^WEBJOB_MAX_CONCURRENCY: must be an integer/],
  [
    { WEBJOB_MAX_CONCURRENCY: '4', WEBJOB_INITIAL_CONCURRENCY: '6' },
    /^WEBJOB_INITIAL_CONCURRENCY: must not exceed WEBJOB_MAX_CONCURRENCY \(4\), got 6/,
  ],
  [{ WEBJOB_START_POSITION: 'yesterday' }, /^WEBJOB_START_POSITION: must be "earliest", "latest" or a block height/],
  [{ WEBJOB_LEASE_SECONDS: '90' }, /^WEBJOB_LEASE_SECONDS: must be an integer from 15 to 60/],
  [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
  [{ APPLICATIONINSIGHTS_CONNECTION_STRING: 'nonsense' }, /^APPLICATIONINSIGHTS_CONNECTION_STRING: /],
])('%p is refused with a message naming the variable', (override, message) => {
  const env: Record<string, string | undefined> = { ...minimal, ...override };
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});

test('WEBJOB_HEAP_LIMIT_MB (read by the supervising main thread)', () => {
  expect(heapLimitMb({})).toBe(52); // 40 MB + 600 bytes for each of the default 20,000 cached cars
  expect(heapLimitMb({ WEBJOB_ASSET_CACHE_SIZE: '100000' })).toBe(98); // a bigger cache gets the heap it needs
  expect(heapLimitMb({ WEBJOB_ASSET_CACHE_SIZE: 'lots' })).toBe(52); // reported by loadConfig, not here
  expect(heapLimitMb({ WEBJOB_ASSET_CACHE_SIZE: '100000', WEBJOB_HEAP_LIMIT_MB: '64' })).toBe(64);
  expect(heapLimitMb({ WEBJOB_HEAP_LIMIT_MB: '0' })).toBe(0);
  expect(heapLimitMb({ WEBJOB_HEAP_LIMIT_MB: '128' })).toBe(128);
  expect(() => heapLimitMb({ WEBJOB_HEAP_LIMIT_MB: '8' })).toThrow(/^WEBJOB_HEAP_LIMIT_MB: must be 0/);
});
