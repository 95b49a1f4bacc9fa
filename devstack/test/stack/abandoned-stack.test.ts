import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanUpAbandonedStack } from '../../src/stack/abandoned-stack';
import { isProcessAlive, STACK_FILE_SCHEMA, writeStackFile, type StackDescription } from '../../src/stack/stack-file';

function description(supervisorPid: number, webjobPid: number | null): StackDescription {
  const none = { pid: null };
  return {
    schema: STACK_FILE_SCHEMA,
    status: 'running',
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    supervisorPid,
    storageMode: 'memory',
    stateDir: '/tmp',
    logDir: '/tmp/logs',
    ledger: {
      managedBy: 'stack',
      rootUrl: 'http://127.0.0.1:1',
      apiUrl: 'http://127.0.0.1:1/api/v1/',
      streamUrl: 'ws://127.0.0.1:2',
      adminUrl: null,
      ...none,
    },
    functionApp: {
      host: 'local-host',
      baseUrl: 'http://127.0.0.1:3/api',
      webhookUrl: '',
      healthUrl: '',
      openApiUrl: '',
      functionKey: 'k',
      ...none,
    },
    webjob: { healthUrl: '', metricsUrl: '', pid: webjobPid },
    storage: { managedBy: 'stack', connectionString: '', namePrefix: 'x', dataDir: null, ...none },
    webhook: { secrets: [] },
    leasingCompany: { publicKey: 'p', privateKey: 'q' },
  };
}

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid!;
}

describe('parts left running by a supervisor that was killed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'devstack-abandoned-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are stopped on the next start (their own process group), found through stack.json', async () => {
    // A stand-in part whose command line looks like the WebJob's entry point (run.js), in its own group.
    const script = path.join(dir, 'run.js');
    await writeFile(script, 'setInterval(() => {}, 1000);');
    const orphan = spawn(process.execPath, [script], { detached: true, stdio: 'ignore' });
    const exited = once(orphan, 'exit');
    await writeStackFile(dir, description(await deadPid(), orphan.pid!));
    const log: string[] = [];
    await cleanUpAbandonedStack(dir, (line) => log.push(line));
    await exited;
    expect(isProcessAlive(orphan.pid!)).toBe(false);
    expect(log).toEqual([expect.stringContaining(`Stopping process group ${orphan.pid}`)]);
  });

  it('a stack whose supervisor is alive is left alone and reported', async () => {
    await writeStackFile(dir, description(process.ppid, null));
    await expect(cleanUpAbandonedStack(dir, () => undefined)).rejects.toThrow(
      /a stack is already running from .* \(supervisor pid \d+\)/,
    );
  });

  it('a recycled pid that is not one of the parts is never signalled', async () => {
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    try {
      await writeStackFile(dir, description(await deadPid(), bystander.pid!));
      await cleanUpAbandonedStack(dir, () => undefined);
      expect(isProcessAlive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
