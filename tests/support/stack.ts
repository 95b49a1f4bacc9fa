// Starts the whole local system for an end-to-end test: the same wiring as `npm start`
// (devstack/src/stack), on free ports, with a temporary state folder and a unique storage prefix,
// so suites run side by side and next to a developer's running stack. Needs the compiled parts
// (`npm run build`; `npm test` builds first).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BackOfficeClient } from '../../devstack/src/demo/back-office-client';
import { LeaseLedger } from '../../devstack/src/demo/lease-ledger';
import { startStack, type RunningStack } from '../../devstack/src/stack/stack';
import type { SupervisorEvent } from '../../devstack/src/stack/supervisor';
import { uniqueName } from './storage';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

const COMPILED_PARTS = [
  'devstack/dist/stack/azurite-cli.js',
  'devstack/dist/ledger/cli.js',
  'devstack/dist/functions-host/cli.js',
  'functions/dist',
  'webjob/dist',
];

/** Short timeouts and backoffs so fault recovery fits a test's time budget (production defaults are longer). */
export const FAST_WEBJOB_ENV: Record<string, string> = {
  WEBJOB_LEASE_SECONDS: '15',
  WEBJOB_RETRY_BASE_MS: '200',
  WEBJOB_RETRY_MAX_MS: '2000',
  WEBJOB_RECONNECT_BASE_MS: '100',
  WEBJOB_RECONNECT_MAX_MS: '1000',
  WEBJOB_PING_INTERVAL_MS: '1000',
  WEBJOB_PING_TIMEOUT_MS: '1000',
  WEBJOB_TIP_POLL_MS: '500',
  WEBJOB_STALL_TIMEOUT_MS: '3000',
  WEBJOB_CHECKPOINT_INTERVAL_MS: '200',
  WEBHOOK_TIMEOUT_MS: '5000',
  LEDGER_REQUEST_TIMEOUT_MS: '5000',
  WEBJOB_SHUTDOWN_GRACE_MS: '5000',
};

export interface TestStackOptions {
  /** Ledger and Azurite on disk (in the temporary folder) so they survive their own restart. */
  persistent?: boolean;
  webjobEnv?: Record<string, string>;
  functionAppEnv?: Record<string, string>;
  /** Storage name prefix; default a unique one (pass the previous run's to reuse its storage). */
  namePrefix?: string;
  /** Reuse this state folder (a previous stack's data, config and demo progress); it is kept on stop. */
  stateDir?: string;
  /** Ledger block interval; default 100 ms (tests commit many transactions in sequence). */
  blockIntervalMs?: number;
}

export interface TestStack {
  readonly stack: RunningStack;
  readonly api: BackOfficeClient;
  readonly ledger: LeaseLedger;
  readonly stateDir: string;
  /** Supervisor events so far (state changes and every output line), for assertions and diagnosis. */
  readonly events: SupervisorEvent[];
  /** The last lines each part printed, for a failing test's message. */
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const missing = COMPILED_PARTS.filter((part) => !existsSync(path.join(REPO_ROOT, part)));
  if (missing.length > 0)
    throw new Error(
      `end-to-end tests run the compiled parts; missing ${missing.join(', ')}: run \`npm run build\` first`,
    );
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'lease-premium-e2e-')));
  const events: SupervisorEvent[] = [];
  let stack: RunningStack;
  try {
    stack = await startStack({
      repoRoot: REPO_ROOT,
      stateDir,
      storageMode: options.persistent ? 'persistent' : 'memory',
      functionsHost: 'local-host',
      ports: 'free',
      namePrefix: options.namePrefix ?? uniqueName('e2e').toLowerCase(),
      rateTable: 'us-illustrative',
      ledger: { admin: true, blockIntervalMs: options.blockIntervalMs ?? 100 },
      webjobEnv: { ...FAST_WEBJOB_ENV, ...options.webjobEnv },
      ...(options.functionAppEnv ? { functionAppEnv: options.functionAppEnv } : {}),
      onEvent: (event) => events.push(event),
    });
  } catch (error) {
    const tail = await readLogTail(stateDir, 30).catch(() => '');
    if (ownsStateDir) await rm(stateDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
  const description = stack.description;
  return {
    stack,
    api: new BackOfficeClient(description.functionApp.baseUrl, description.functionApp.functionKey),
    ledger: new LeaseLedger(description.ledger.apiUrl),
    stateDir,
    events,
    logTail: (lines = 30) => readLogTail(stateDir, lines),
    async stop() {
      await stack.stop();
      if (ownsStateDir && !process.env.KEEP_E2E_STATE) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

async function readLogTail(stateDir: string, lines: number): Promise<string> {
  const logDir = path.join(stateDir, 'logs');
  if (!existsSync(logDir)) return '';
  const files = await readdir(logDir);
  const parts = await Promise.all(
    files.map(async (file) => {
      const all = (await readFile(path.join(logDir, file), 'utf8')).trimEnd().split('\n');
      const errors = all.filter((line) => /error|exception|fail/i.test(line)).slice(-10);
      return `--- ${file}: last ${errors.length} error lines\n${errors.join('\n')}\n--- ${file}: last ${lines} lines\n${all.slice(-lines).join('\n')}`;
    }),
  );
  return parts.join('\n');
}
