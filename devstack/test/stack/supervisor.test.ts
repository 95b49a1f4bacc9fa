import { spawnChild, spawned } from '../../src/stack/child-process';
import { freePort } from '../../src/stack/ports';
import { restartDelayMs, Supervisor, type PartSpec, type SupervisorEvent } from '../../src/stack/supervisor';
import { httpAnswers } from '../../src/stack/wait';

// A real child process: an HTTP server that says hello, logs its start, and on SIGTERM logs and
// exits after a short delay (so stop ordering is observable).
const SERVER = `
const http = require('node:http');
const port = Number(process.argv[1]);
const server = http.createServer((req, res) => res.end('ok'));
server.listen(port, '127.0.0.1', () => console.log('listening on ' + port));
process.on('SIGTERM', () => { console.log('got SIGTERM'); setTimeout(() => process.exit(0), 50); });
`;

function serverPart(name: string, port: number, options: Partial<PartSpec> = {}): PartSpec {
  return {
    name,
    launch: (onLine) =>
      spawned(spawnChild({ args: ['-e', SERVER, String(port)], env: process.env, cwd: process.cwd() }, onLine)),
    isHealthy: () => httpAnswers(`http://127.0.0.1:${port}/`, [200]),
    startTimeoutMs: 10_000,
    stopGraceMs: 5_000,
    ...options,
  };
}

describe('restartDelayMs', () => {
  it('doubles from the initial delay and caps at the maximum', () => {
    const policy = { initialDelayMs: 500, maxDelayMs: 4_000, stableAfterMs: 30_000 };
    expect([0, 1, 2, 3, 4, 10, 100].map((n) => restartDelayMs(n, policy))).toEqual([
      500, 1000, 2000, 4000, 4000, 4000, 4000,
    ]);
  });
});

describe('Supervisor (real child processes)', () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = undefined;
  });

  it('starts parts in order once healthy, prefixes their lines, and stops them in reverse order', async () => {
    const events: SupervisorEvent[] = [];
    const [a, b] = [await freePort(), await freePort()];
    supervisor = new Supervisor([serverPart('first', a), serverPart('second', b)], (e) => events.push(e));
    await supervisor.startAll();
    expect(supervisor.status().map((s) => s.state)).toEqual(['healthy', 'healthy']);
    expect(await httpAnswers(`http://127.0.0.1:${a}/`, [200])).toBe(true);
    const firstHealthy = events.findIndex((e) => e.kind === 'state' && e.part === 'first' && e.state === 'healthy');
    const secondStarting = events.findIndex((e) => e.kind === 'state' && e.part === 'second' && e.state === 'starting');
    expect(firstHealthy).toBeGreaterThanOrEqual(0);
    expect(secondStarting).toBeGreaterThan(firstHealthy);
    expect(events).toContainEqual({ kind: 'line', part: 'first', line: `listening on ${a}` });

    await supervisor.stopAll();
    const sigterms = events.filter((e) => e.kind === 'line' && e.line === 'got SIGTERM').map((e) => e.part);
    expect(sigterms).toEqual(['second', 'first']);
    expect(supervisor.status().map((s) => s.state)).toEqual(['stopped', 'stopped']);
    expect(await httpAnswers(`http://127.0.0.1:${a}/`)).toBe(false);
  });

  it('restarts a killed part with backoff, on the same port, with a new pid', async () => {
    const events: SupervisorEvent[] = [];
    const port = await freePort();
    supervisor = new Supervisor([serverPart('svc', port)], (e) => events.push(e), {
      initialDelayMs: 200,
      maxDelayMs: 1_000,
      stableAfterMs: 60_000,
    });
    await supervisor.startAll();
    const firstPid = supervisor.pid('svc');
    await supervisor.killPart('svc', 'SIGKILL');
    await supervisor.waitHealthy('svc', 15_000);
    expect(supervisor.pid('svc')).not.toBe(firstPid);
    expect(supervisor.status()[0]).toMatchObject({ state: 'healthy', restarts: 1 });
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'state',
        part: 'svc',
        state: 'crashed',
        detail: 'exited (signal SIGKILL); restarting in 0.2 s',
      }),
    );
    // A second crash right away waits twice as long.
    await supervisor.killPart('svc', 'SIGKILL');
    await supervisor.waitHealthy('svc', 15_000);
    expect(events).toContainEqual(
      expect.objectContaining({ state: 'crashed', detail: 'exited (signal SIGKILL); restarting in 0.4 s' }),
    );
  });

  it('a part stopped on purpose stays down until started again', async () => {
    const port = await freePort();
    supervisor = new Supervisor([serverPart('svc', port)], () => undefined, {
      initialDelayMs: 50,
      maxDelayMs: 100,
      stableAfterMs: 60_000,
    });
    await supervisor.startAll();
    await supervisor.stopPart('svc');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(supervisor.status()[0]!.state).toBe('stopped');
    expect(await httpAnswers(`http://127.0.0.1:${port}/`)).toBe(false);
    await supervisor.startPart('svc');
    expect(await httpAnswers(`http://127.0.0.1:${port}/`, [200])).toBe(true);
  });

  it("fails start-up with the part's last output when it exits before it is healthy, and stops the parts already started", async () => {
    const port = await freePort();
    const failing: PartSpec = {
      ...serverPart('broken', 0),
      launch: (onLine) =>
        spawned(
          spawnChild(
            {
              args: ['-e', 'console.error("missing setting FOO"); process.exit(3)'],
              env: process.env,
              cwd: process.cwd(),
            },
            onLine,
          ),
        ),
      isHealthy: () => Promise.resolve(false),
    };
    supervisor = new Supervisor([serverPart('ok', port), failing], () => undefined);
    await expect(supervisor.startAll()).rejects.toThrow(/broken exited during start[\s\S]*missing setting FOO/);
    expect(await httpAnswers(`http://127.0.0.1:${port}/`)).toBe(false);
  });

  it('fails start-up when a part never becomes healthy, and kills it', async () => {
    const port = await freePort();
    supervisor = new Supervisor(
      [serverPart('slow', port, { isHealthy: () => Promise.resolve(false), startTimeoutMs: 600 })],
      () => undefined,
    );
    await expect(supervisor.startAll()).rejects.toThrow(/timed out after 600 ms waiting for slow to become healthy/);
    expect(supervisor.status()[0]!.state).toBe('stopped');
  });

  it('a stop during start-up (Ctrl-C) stops what runs and starts nothing more', async () => {
    const [a, b, c] = [await freePort(), await freePort(), await freePort()];
    const events: SupervisorEvent[] = [];
    supervisor = new Supervisor(
      [
        serverPart('first', a),
        serverPart('never-healthy', b, { isHealthy: () => Promise.resolve(false), startTimeoutMs: 30_000 }),
        serverPart('third', c),
      ],
      (e) => events.push(e),
    );
    const starting = supervisor.startAll();
    const outcome = starting.then(
      () => 'started',
      (error: Error) => error.message,
    );
    await waitUntilEvent(
      events,
      (e) => e.kind === 'line' && e.part === 'never-healthy' && e.line.startsWith('listening'),
    );
    await supervisor.stopAll();
    expect(await outcome).toMatch(/stopped while it was starting/);
    expect(supervisor.status().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(events.some((e) => e.part === 'third')).toBe(false);
    expect(await httpAnswers(`http://127.0.0.1:${a}/`)).toBe(false);
    expect(await httpAnswers(`http://127.0.0.1:${b}/`)).toBe(false);
  });
});

async function waitUntilEvent(events: SupervisorEvent[], match: (e: SupervisorEvent) => boolean): Promise<void> {
  for (let i = 0; i < 200 && !events.some(match); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!events.some(match)) throw new Error('event did not happen within 10 s');
}
