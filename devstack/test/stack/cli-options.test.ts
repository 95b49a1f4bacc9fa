import { parseCliOptions } from '../../src/stack/cli-options';

describe('npm start options', () => {
  it('defaults: demo on, persistent storage, the local Functions host, .devstack', () => {
    expect(parseCliOptions([], {})).toEqual({
      demo: true,
      storageMode: 'persistent',
      functionsHost: 'local-host',
      followLogs: false,
      stateDir: '.devstack',
      help: false,
      env: { namePrefix: 'leasepremium' },
    });
  });

  it('reads the flags', () => {
    expect(parseCliOptions(['--no-demo', '--memory', '--func', '--logs', '--state-dir', '/tmp/x'], {})).toMatchObject({
      demo: false,
      storageMode: 'memory',
      functionsHost: 'func-core-tools',
      followLogs: true,
      stateDir: '/tmp/x',
    });
  });

  it('points at external services from the environment', () => {
    const options = parseCliOptions([], {
      LEDGER_API_URL: 'https://ledger.example/api/v1/',
      LEDGER_WS_URL: 'wss://ledger.example/api/v1/streams/valid_transactions',
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      STORAGE_NAME_PREFIX: 'demo2',
      RATE_TABLE: 'eu-bonus-malus-illustrative',
    });
    expect(options.env).toEqual({
      ledgerApiUrl: 'https://ledger.example/api/v1/',
      ledgerWsUrl: 'wss://ledger.example/api/v1/streams/valid_transactions',
      storageConnectionString: 'UseDevelopmentStorage=true',
      namePrefix: 'demo2',
      rateTable: 'eu-bonus-malus-illustrative',
    });
  });

  it('rejects unknown flags and bad settings, naming them', () => {
    expect(() => parseCliOptions(['--nodemo'], {})).toThrow(/nodemo/);
    expect(() => parseCliOptions([], { LEDGER_API_URL: 'ledger:9984' })).toThrow(
      /LEDGER_API_URL must use http: or https:/,
    );
    expect(() => parseCliOptions([], { LEDGER_WS_URL: 'http://x' })).toThrow(/LEDGER_WS_URL must use ws: or wss:/);
    expect(() => parseCliOptions([], { STORAGE_NAME_PREFIX: 'Lease-Premium' })).toThrow(/STORAGE_NAME_PREFIX/);
  });
});
