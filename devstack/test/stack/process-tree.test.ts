// Stopping a part stops everything it started. The part here is Core Tools' shape: a wrapper script
// (like npm's `func` in front of the real host) whose child process serves the port, run through the
// stand-in `func` (devstack/test/functions-host/stand-in-func/func.js) on the fixture app.
// The test runs on Linux (it reads /proc), like CI.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedKeys, fixtureAppRoot } from '../functions-host/fixture';
import { writeStandInFunc } from '../functions-host/stand-in-func';
import { spawnChild, spawned } from '../../src/stack/child-process';
import { freePort, isPortFree } from '../../src/stack/ports';
import { processRunningLinux, treeAlive } from '../../src/stack/process-tree';
import { Supervisor, type PartSpec } from '../../src/stack/supervisor';
import { httpAnswers } from '../../src/stack/wait';

jest.setTimeout(150_000);

describe('stopping a wrapper-script func whose child holds the port', () => {
  let dir: string;
  let supervisor: Supervisor | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'process-tree-'));
  });
  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function startFuncPart(
    port: number,
    options: { style: 'exec' | 'wrapper'; ignoreSigterm: boolean; stopGraceMs: number },
  ): Promise<{ leader: number; standIn: number; server: number }> {
    const bin = writeStandInFunc(join(dir, 'bin'), options.style);
    const pidFile = join(dir, 'pids');
    const part: PartSpec = {
      name: 'function-app',
      launch: (onLine) =>
        spawned(
          spawnChild(
            {
              command: join(bin, 'func'),
              args: ['start', '--port', String(port)],
              env: {
                ...process.env,
                FUNCTIONS_WORKER_RUNTIME: 'node',
                AzureWebJobsStorage: 'UseDevelopmentStorage=true',
                FUNCTIONS_LOCAL_FUNCTION_KEY: fixedKeys.functionKey,
                FUNCTIONS_LOCAL_MASTER_KEY: fixedKeys.masterKey,
                STAND_IN_FUNC_PID_FILE: pidFile,
                STAND_IN_FUNC_IGNORE_SIGTERM: options.ignoreSigterm ? '1' : '0',
              },
              cwd: fixtureAppRoot,
            },
            onLine,
          ),
        ),
      isHealthy: () => httpAnswers(`http://127.0.0.1:${port}/fx/hello`, [200]),
      startTimeoutMs: 60_000,
      stopGraceMs: options.stopGraceMs,
    };
    supervisor = new Supervisor([part], () => undefined);
    await supervisor.startAll();
    expect(existsSync(pidFile)).toBe(true);
    const [standIn, server] = readFileSync(pidFile, 'utf8').split(' ').map(Number) as [number, number];
    return { leader: supervisor.pid('function-app') as number, standIn, server };
  }

  test('one that ignores SIGTERM and does not forward it: SIGKILL after the grace period reaches its child too, the port is free', async () => {
    const port = await freePort();
    const pids = await startFuncPart(port, { style: 'exec', ignoreSigterm: true, stopGraceMs: 1_500 });
    expect(pids.leader).toBe(pids.standIn);
    expect([pids.standIn, pids.server].map(processRunningLinux)).toEqual([true, true]);
    const started = Date.now();
    await supervisor!.stopAll();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect([pids.standIn, pids.server].map(processRunningLinux)).toEqual([false, false]);
    expect(treeAlive(pids.leader)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  test('a shell wrapper that dies on SIGTERM without forwarding it: the rest of its group gets SIGTERM, well before the grace period', async () => {
    const port = await freePort();
    // A grace period far above what an orderly stop takes even on a loaded machine: finishing well
    // within it shows the rest of the group got SIGTERM rather than waiting for the SIGKILL.
    const pids = await startFuncPart(port, { style: 'wrapper', ignoreSigterm: false, stopGraceMs: 90_000 });
    expect([pids.leader, pids.standIn, pids.server].map(processRunningLinux)).toEqual([true, true, true]);
    const started = Date.now();
    await supervisor!.stopAll();
    expect(Date.now() - started).toBeLessThan(45_000);
    expect([pids.leader, pids.standIn, pids.server].map(processRunningLinux)).toEqual([false, false, false]);
    expect(await isPortFree(port)).toBe(true);
  });
});
