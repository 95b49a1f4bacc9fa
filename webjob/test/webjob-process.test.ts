// The compiled WebJob as Azure runs it (node webjob/run.js): killed with SIGKILL mid-batch and
// restarted; graceful stop on SIGTERM and on the WebJobs shutdown file (exit 0, checkpoint stored);
// a configuration error exits 1 naming the variable.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableCheckpointStore } from '../src/checkpoint/table-checkpoint-store';
import { buildFleet } from './support/car-scenarios';
import { allArrived, commitFleet, expectDeliveredInOrder, startStack, waitFor, type TestStack } from './support/stack';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const RUN_JS = path.join(ROOT, 'webjob', 'run.js');

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'webjob'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
});

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function spawnWebJob(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [RUN_JS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, lines, exited };
}

let stack: TestStack | undefined;
const children: Child[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await c.exited;
  }
  await stack?.stop();
  stack = undefined;
});

const checkpointOf = (s: TestStack): Promise<number | undefined> =>
  new TableCheckpointStore(s.storage.checkpoints, 'bigchaindb://test-network', 'webjob').load();

test('SIGKILL mid-batch, then restart: every event arrives, in order per vehicle (re-deliveries allowed)', async () => {
  stack = await startStack();
  const s = stack;
  s.receiver.mode = 'slow'; // each request takes a second: a kill lands mid-batch
  const first = spawnWebJob(s.env());
  children.push(first);
  const cars = buildFleet(s.company, 6, 3);
  await commitFleet(s.ledger, cars);
  await waitFor(() => s.receiver.requests >= 2, 30_000, 'batches in flight');
  first.process.kill('SIGKILL');
  expect(await first.exited).toBeNull();
  const deliveredBeforeKill = s.receiver.received.length;
  expect(deliveredBeforeKill).toBeLessThan(24);
  s.receiver.mode = 'up';
  // the restarted instance waits for the dead one's lease to expire (15 s here), then resumes from the checkpoint
  const second = spawnWebJob(s.env());
  children.push(second);
  await waitFor(() => allArrived(s.receiver, cars), 60_000, 'all car events after restart');
  expectDeliveredInOrder(s.receiver, cars, 'allowed');
  second.process.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  expect(await checkpointOf(s)).toBe(s.ledger.height());
});

test('SIGTERM: stops intake, finishes in-flight deliveries, stores the checkpoint, exits 0', async () => {
  stack = await startStack();
  const s = stack;
  const child = spawnWebJob(s.env());
  children.push(child);
  const cars = buildFleet(s.company, 4, 2);
  await commitFleet(s.ledger, cars);
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  child.process.kill('SIGTERM');
  expect(await child.exited).toBe(0);
  expect(await checkpointOf(s)).toBe(s.ledger.height());
  expectDeliveredInOrder(s.receiver, cars, 'none');
  const logs = child.lines.map((l) => JSON.parse(l) as { msg: string; level: string });
  expect(logs.map((l) => l.msg)).toEqual(
    expect.arrayContaining(['shutting down', 'consumption stopped', 'leadership released', 'webjob stopped']),
  );
});

test('WEBJOBS_SHUTDOWN_FILE appearing triggers the same graceful stop', async () => {
  stack = await startStack();
  const s = stack;
  const shutdownFile = path.join(mkdtempSync(path.join(tmpdir(), 'webjob-')), 'shutdown');
  const child = spawnWebJob(s.env({ WEBJOBS_SHUTDOWN_FILE: shutdownFile }));
  children.push(child);
  const cars = buildFleet(s.company, 2, 1);
  await commitFleet(s.ledger, cars);
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  writeFileSync(shutdownFile, '');
  expect(await child.exited).toBe(0);
  expect(child.lines.some((l) => l.includes('"reason":"WEBJOBS_SHUTDOWN_FILE"'))).toBe(true);
  expect(await checkpointOf(s)).toBe(s.ledger.height());
});

test('an invalid setting exits 1 with a message naming the variable', async () => {
  const child = spawnWebJob({
    WEBHOOK_SECRETS: 'nope',
    LEASING_COMPANY_PUBLIC_KEYS: '4K9sWUMFwTgaDGPfdynrbxWqWS6sWmKbZoTjxLtVUibD',
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  });
  children.push(child);
  expect(await child.exited).toBe(1);
  expect(child.lines.join('\n')).toContain('WEBHOOK_SECRETS: secret #1 must start with');
});
