// The real parts a WebJob test runs against: the local ledger node, Azurite (jest's global one),
// and the signature-verifying receiver. Plus the WebJob's own settings, fast timings for tests.
import { randomBytes } from 'node:crypto';
import { startLedgerNode, type LedgerNode, type LedgerNodeOptions } from '../../../devstack/src/ledger';
import type { SignedTransaction } from '../../../devstack/src/demo/lease-ledger';
import { testStorageConnectionString } from '../../../tests/support/storage';
import { loadConfig, type WebJobConfig } from '../../src/config';
import { createLogger, silentLogger, type Logger } from '../../src/ops/logger';
import { startWebJob, type RunningWebJob } from '../../src/webjob';
import { createStorageClients, ensureStorage, type StorageClients } from '../../src/storage/storage-clients';
import { newKeyPair, type CarHistory, type KeyPair } from './car-scenarios';
import { TEST_SECRETS } from './events';
import { startReceiver, type TestReceiver } from './receiver';

export interface TestStack {
  ledger: LedgerNode;
  receiver: TestReceiver;
  company: KeyPair;
  prefix: string;
  storage: StorageClients;
  /** Environment for the WebJob (process or in-process), fast timings. */
  env(overrides?: Record<string, string>): Record<string, string>;
  config(overrides?: Record<string, string>): WebJobConfig;
  /** Starts a WebJob in this process. */
  startWebJob(overrides?: Record<string, string>, logger?: Logger): Promise<RunningWebJob>;
  stop(): Promise<void>;
}

export async function startStack(ledgerOptions: LedgerNodeOptions = {}): Promise<TestStack> {
  const ledger = await startLedgerNode({ httpPort: 0, wsPort: 0, blockIntervalMs: 50, ...ledgerOptions });
  const receiver = await startReceiver({ secrets: [TEST_SECRETS[0]!], functionKey: 'test-function-key' });
  const company = newKeyPair();
  const prefix = `wj${randomBytes(5).toString('hex')}`;
  const connectionString = testStorageConnectionString();
  const storage = createStorageClients({ kind: 'connection-string', connectionString, namePrefix: prefix });
  await ensureStorage(storage);
  const jobs: RunningWebJob[] = [];
  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    LEDGER_API_URL: ledger.apiUrl,
    LEDGER_SOURCE: 'bigchaindb://test-network',
    WEBHOOK_URL: receiver.url,
    WEBHOOK_FUNCTION_KEY: 'test-function-key',
    WEBHOOK_SECRETS: TEST_SECRETS.join(' '),
    LEASING_COMPANY_PUBLIC_KEYS: company.publicKey,
    STORAGE_CONNECTION_STRING: connectionString,
    STORAGE_NAME_PREFIX: prefix,
    WEBJOB_BATCH_SIZE: '10',
    WEBJOB_TIP_POLL_MS: '200',
    WEBJOB_STALL_TIMEOUT_MS: '1500',
    WEBJOB_PING_INTERVAL_MS: '500',
    WEBJOB_PING_TIMEOUT_MS: '1000',
    WEBJOB_RECONNECT_BASE_MS: '50',
    WEBJOB_RECONNECT_MAX_MS: '500',
    WEBJOB_RETRY_BASE_MS: '50',
    WEBJOB_RETRY_MAX_MS: '500',
    WEBJOB_CHECKPOINT_INTERVAL_MS: '200',
    WEBJOB_LEASE_SECONDS: '15',
    WEBJOB_SHUTDOWN_GRACE_MS: '5000',
    LOG_LEVEL: process.env.WEBJOB_TEST_LOG_LEVEL ?? 'error',
    ...overrides,
  });
  return {
    ledger,
    receiver,
    company,
    prefix,
    storage,
    env,
    config: (overrides) => loadConfig(env(overrides)),
    startWebJob: async (overrides, logger) => {
      const config = loadConfig(env(overrides));
      const job = await startWebJob(
        config,
        logger ?? (process.env.WEBJOB_TEST_LOG_LEVEL ? createLogger(config.logLevel) : silentLogger),
      );
      jobs.push(job);
      return job;
    },
    stop: async () => {
      await Promise.all(jobs.map((job) => job.stop('test over')));
      await receiver.close();
      await ledger.stop();
    },
  };
}

/** Posts and waits for the commit (POST /transactions?mode=commit). */
export async function commit(ledger: LedgerNode, tx: SignedTransaction): Promise<void> {
  const response = await fetch(`${ledger.apiUrl}transactions?mode=commit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`ledger refused ${tx.id}: ${response.status} ${text.slice(0, 300)}`);
}

/** Commits every car's history: round r (every car's r-th transaction) in parallel, rounds in order. */
export async function commitFleet(
  ledger: LedgerNode,
  cars: CarHistory[],
  between?: (round: number) => Promise<void>,
): Promise<void> {
  const depth = Math.max(...cars.map((c) => c.transactions.length));
  for (let r = 0; r < depth; r++) {
    await Promise.all(cars.flatMap((c) => c.transactions.slice(r, r + 1).map((tx) => commit(ledger, tx))));
    await between?.(r);
  }
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every car's events arrived (each id at least once). */
export function allArrived(receiver: TestReceiver, cars: CarHistory[]): boolean {
  const got = new Set(receiver.received.map((e) => e.id));
  return cars.every((car) => car.transactions.every((tx) => got.has(tx.id)));
}

/**
 * The assertions: every qualifying transaction reached the receiver, in ledger order per
 * vehicle (first arrivals), nothing else arrived, signatures all verified, and (normal flow) no duplicates.
 */
export function expectDeliveredInOrder(
  receiver: TestReceiver,
  cars: CarHistory[],
  duplicates: 'none' | 'allowed',
): void {
  expect(receiver.authFailures).toBe(0);
  const tracked = new Set(cars.map((c) => c.assetId));
  const stray = receiver.received.filter((e) => !tracked.has(e.subject));
  expect(stray.map((e) => e.id)).toEqual([]);
  for (const car of cars) {
    const arrivals = receiver.received.filter((e) => e.subject === car.assetId).map((e) => e.id);
    const firsts = arrivals.filter((id, i) => arrivals.indexOf(id) === i);
    expect(firsts).toEqual(car.transactions.map((tx) => tx.id));
    if (duplicates === 'none') expect(arrivals).toEqual(firsts);
  }
  // the ledger position in each event matches the ledger
  for (const event of receiver.received) expect(event.data.signaturesVerified).toBe(true);
}
