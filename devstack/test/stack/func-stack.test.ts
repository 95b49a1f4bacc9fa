// `npm start -- --func` end to end: the whole stack with the Function App run by `func start`, here
// the stand-in for Core Tools on PATH (devstack/test/functions-host/stand-in-func/func.js: it refuses
// to start where real Core Tools would stop or hang, then serves the app through the project's local
// host; its limits are listed there). The demo's ownership changes travel ledger -> WebJob -> the
// Function App behind `func`; stopping the stack leaves none of its processes and frees the port.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runDemo } from '../../src/demo/run-demo';
import { checkRunningApp } from '../../src/functions-host/func-start-check';
import { isPortFree } from '../../src/stack/ports';
import { treeAlive } from '../../src/stack/process-tree';
import { startStack, type RunningStack } from '../../src/stack/stack';
import { pathWith, writeStandInFunc } from '../functions-host/stand-in-func';

const repoRoot = resolve(__dirname, '../../..');

describe('npm start -- --func, with a stand-in func on PATH', () => {
  let dir: string;
  let stack: RunningStack | undefined;
  const savedPath = process.env.PATH;
  const savedRuntime = process.env.FUNCTIONS_WORKER_RUNTIME;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'func-stack-'));
    process.env.PATH = pathWith(writeStandInFunc(join(dir, 'bin')));
    delete process.env.FUNCTIONS_WORKER_RUNTIME;
  });
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    process.env.PATH = savedPath;
    if (savedRuntime !== undefined) process.env.FUNCTIONS_WORKER_RUNTIME = savedRuntime;
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts unattended, rates the demo through func, answers a signed webhook, and stops every process', async () => {
    const log: string[] = [];
    stack = await startStack({
      repoRoot,
      stateDir: join(dir, 'state'),
      storageMode: 'memory',
      functionsHost: 'func-core-tools',
      ports: 'free',
      namePrefix: `funcstack${Date.now().toString(36)}`,
      rateTable: 'us-illustrative',
      ledger: { blockIntervalMs: 100 },
      onEvent: (event) =>
        log.push(event.kind === 'line' ? `[${event.part}] ${event.line}` : `[${event.part}] ${event.state}`),
    });
    const { description } = stack;
    expect(description.functionApp.host).toBe('func-core-tools');
    expect(log.some((line) => line.startsWith('[function-app]') && line.includes('Host started on'))).toBe(true);

    const failures = await checkRunningApp(
      {
        baseUrl: description.functionApp.baseUrl.replace(/\/api$/, ''),
        webhookSecrets: description.webhook.secrets,
        functionKey: description.functionApp.functionKey,
      },
      () => undefined,
    );
    expect(failures).toEqual([]);

    const out = new Writable({ write: (_chunk, _encoding, done) => done() });
    const progress = await runDemo({
      stack: description,
      progressDir: undefined,
      signal: new AbortController().signal,
      out,
      premiumTimeoutMs: 60_000,
    });
    expect(progress.finishedAt).not.toBeNull();

    const functionAppPid = description.functionApp.pid as number;
    const port = Number(new URL(description.functionApp.baseUrl).port);
    await stack.stop();
    stack = undefined;
    expect(treeAlive(functionAppPid)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'state', 'stack.json'), 'utf8')).status).toBe('stopped');
  }, 240_000);
});
