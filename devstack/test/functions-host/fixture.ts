import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FunctionsHost,
  type HostLogEntry,
  startFunctionsHost,
  type StartFunctionsHostOptions,
} from '../../src/functions-host/index';

export const fixtureAppRoot = join(__dirname, 'fixture-app');

export const fixedKeys = {
  functionKey: 'fixture-function-key-0123456789',
  masterKey: 'fixture-master-key-0123456789ab',
};

export interface StartedFixture {
  host: FunctionsHost;
  logs: HostLogEntry[];
  tempDir: string;
  stop(): Promise<void>;
}

/** Starts the fixture app in its own host process on a free port, collecting its log. */
export async function startFixture(options: Partial<StartFunctionsHostOptions> = {}): Promise<StartedFixture> {
  const tempDir = mkdtempSync(join(tmpdir(), 'functions-host-'));
  const logs: HostLogEntry[] = [];
  const host = await startFunctionsHost({
    appRoot: fixtureAppRoot,
    port: 0,
    keys: fixedKeys,
    keysFile: join(tempDir, 'keys.json'),
    onLog: (entry) => logs.push(entry),
    ...options,
    env: { FIXTURE_TERMINATE_FILE: join(tempDir, 'terminated.json'), ...options.env },
  });
  return {
    host,
    logs,
    tempDir,
    stop: async () => {
      await host.stop();
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Logs travel over IPC, apart from the HTTP response: wait (bounded) until `count` matching entries arrived. */
export async function waitForLogs(
  logs: HostLogEntry[],
  predicate: (entry: HostLogEntry) => boolean,
  count = 1,
  timeoutMs = 5_000,
): Promise<HostLogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = logs.filter(predicate);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
