import { renderRow } from '../../src/demo/live-table';
import { renderStatusScreen, visibleLength } from '../../src/stack/status-screen';
import { STACK_FILE_SCHEMA, StackDescription } from '../../src/stack/stack-file';

const stack = StackDescription.parse({
  schema: STACK_FILE_SCHEMA,
  status: 'running',
  startedAt: '2026-11-27T12:00:00.000Z',
  updatedAt: '2026-11-27T12:00:05.000Z',
  supervisorPid: 100,
  storageMode: 'persistent',
  stateDir: '/repo/.devstack',
  logDir: '/repo/.devstack/logs',
  ledger: {
    managedBy: 'stack',
    rootUrl: 'http://127.0.0.1:9984',
    apiUrl: 'http://127.0.0.1:9984/api/v1/',
    streamUrl: 'ws://127.0.0.1:9985/api/v1/streams/valid_transactions',
    adminUrl: null,
    pid: 102,
  },
  functionApp: {
    host: 'local-host',
    baseUrl: 'http://127.0.0.1:7071/api',
    webhookUrl: 'http://127.0.0.1:7071/api/ownership-changes',
    healthUrl: 'http://127.0.0.1:7071/api/health',
    openApiUrl: 'http://127.0.0.1:7071/api/openapi.json',
    functionKey: 'the-function-key',
    pid: 103,
  },
  webjob: { healthUrl: 'http://127.0.0.1:4000/healthz', metricsUrl: 'http://127.0.0.1:4000/metrics', pid: 104 },
  storage: {
    managedBy: 'external',
    connectionString: 'UseDevelopmentStorage=true',
    namePrefix: 'leasepremium',
    dataDir: null,
    pid: null,
  },
  webhook: { secrets: ['whsec_AAAA'] },
  leasingCompany: { publicKey: 'pub', privateKey: 'priv' },
});

describe('one-screen status and demo table', () => {
  it('names every part with its state, pid and URLs, the function key and how to try the API', () => {
    const screen = renderStatusScreen(stack, [
      { name: 'ledger', state: 'healthy', pid: 102, restarts: 0 },
      { name: 'function-app', state: 'healthy', pid: 103, restarts: 0 },
      { name: 'webjob', state: 'crashed', pid: 104, restarts: 2 },
    ]);
    expect(screen).toMatch(/azurite\s+external\s+-\s+STORAGE_CONNECTION_STRING/);
    expect(screen).toMatch(/ledger\s+healthy\s+102\s+http:\/\/127\.0\.0\.1:9984\/api\/v1\/\s+ws:\/\/127\.0\.0\.1:9985/);
    expect(screen).toMatch(/webjob\s+crashed \(2 restarts\)\s+104/);
    expect(screen).toContain('function key   the-function-key');
    expect(screen).toContain(
      'curl -s -H "x-functions-key: the-function-key" "http://127.0.0.1:7071/api/premiums?needsReview=true"',
    );
    expect(screen.split('\n').length).toBeLessThanOrEqual(26);
    expect(screen).toContain('webjob health  not answering');
  });

  it('shows the WebJob health: its verdict and reasons, the oldest pending event and the dead letters by kind', () => {
    const degraded = renderStatusScreen(stack, [], {
      status: 'degraded',
      reasons: ['checkpoint has not advanced for 130 s while events are pending (WEBJOB_STALL_ALERT_SECONDS=120)'],
      oldestPendingEventAgeSeconds: 131.4,
      deadLetters: { 'verification-failed': 0, malformed: 0, rejected: 1, refused: 0, poison: 2 },
    });
    expect(degraded).toContain(
      'webjob health  degraded · oldest pending event 131 s · dead letters: rejected 1, poison 2  (checkpoint has not advanced for 130 s',
    );
    const healthy = renderStatusScreen(stack, [], {
      status: 'healthy',
      reasons: [],
      oldestPendingEventAgeSeconds: 0,
      deadLetters: { poison: 0 },
    });
    expect(healthy).toContain('webjob health  healthy · oldest pending event 0 s · dead letters: none');
    expect(
      renderStatusScreen(stack, [], {
        status: 'healthy',
        reasons: [],
        oldestPendingEventAgeSeconds: 0,
        deadLetters: null,
      }),
    ).toContain('dead letters: not counted yet');
  });

  it('keeps demo table columns aligned, truncating long cells', () => {
    const row = renderRow({
      vehicle: 'Porsche 911 Carrera S Cabriolet Exclusive',
      driver: 'Alice',
      event: 'lease start',
      before: '—',
      after: 'USD 1,234.56',
      factors: 'driverAge ×1.1',
    });
    expect(row).toBe(
      'Porsche 911 Carrera S C… Alice    lease start     —               USD 1,234.56    driverAge ×1.1',
    );
    expect(visibleLength('\u001b[32mok\u001b[0m')).toBe(2);
  });
});
