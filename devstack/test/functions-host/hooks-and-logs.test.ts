import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFixture, type StartedFixture, waitForLogs } from './fixture';
import { send } from './http-client';

describe('hooks and the host log', () => {
  let fixture: StartedFixture;

  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture.stop();
  });

  test("context.log/warn/error reach the host log as user logs of that invocation, after the app's log hook", async () => {
    const response = await send(fixture.host.url, { path: '/fx/logs' });
    expect(response.status).toBe(200);
    const invocationId = response.body.toString();
    const userLogs = await waitForLogs(
      fixture.logs,
      (entry) => entry.category === 'user' && entry.invocationId === invocationId,
      4,
    );
    expect(userLogs.map((entry) => [entry.level, entry.message, entry.functionName])).toEqual([
      ['information', 'plain log line', 'logs'],
      ['warning', 'a warning', 'logs'],
      ['error', 'an error line', 'logs'],
      ['information', 'token is [redacted]', 'logs'],
    ]);
    expect(fixture.logs.some((entry) => entry.message.includes('secret-token'))).toBe(false);
  });

  test('every invocation is logged as Executing/Executed, like func start', async () => {
    const response = await send(fixture.host.url, { path: '/fx/logs' });
    const id = response.body.toString();
    const lines = (
      await waitForLogs(fixture.logs, (entry) => entry.category === 'host' && entry.invocationId === id, 2)
    ).map((entry) => entry.message);
    expect(lines).toEqual([
      `Executing 'Functions.logs' (Reason='This function was programmatically called via the host APIs.', Id=${id})`,
      expect.stringMatching(new RegExp(`^Executed 'Functions.logs' \\(Succeeded, Id=${id}, Duration=\\d+ms\\)$`)),
    ]);
  });

  test('a throwing handler is logged with its error, and the client only gets an empty 500', async () => {
    const response = await send(fixture.host.url, { path: '/fx/throws' });
    expect([response.status, response.body.length]).toEqual([500, 0]);
    const [failure] = await waitForLogs(
      fixture.logs,
      (entry) =>
        entry.level === 'error' && entry.message.startsWith('Exception while executing function: Functions.throws'),
    );
    expect(failure?.message).toContain('Error: boom');
  });

  test('the app sees appStart hook effects and preInvocation/postInvocation share hookData', async () => {
    const response = await send(fixture.host.url, { path: '/fx/hook-info' });
    expect([response.headers['x-app-start'], response.headers['x-post-invocation']]).toEqual(['yes', 'saw-pre']);
  });
});

describe('process failures', () => {
  test('an unhandled rejection in the app ends the host process with code 1 and a critical log line, like the worker', async () => {
    const fixture = await startFixture();
    const response = await send(fixture.host.url, { path: '/fx/crash-later' });
    expect(response.body.toString()).toBe('crashing soon');
    expect(await fixture.host.exited).toEqual({ code: 1, signal: null });
    expect(fixture.logs.some((entry) => entry.level === 'critical' && entry.message.includes('late failure'))).toBe(
      true,
    );
    await fixture.stop();
  });
});

describe('stop()', () => {
  test('lets an in-flight request finish, then runs appTerminate with the appStart hookData, then ends the process', async () => {
    const fixture = await startFixture();
    const terminateFile = join(fixture.tempDir, 'terminated.json');
    const inFlight = send(fixture.host.url, { path: '/fx/slow-stream' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = fixture.host.stop();
    const response = await inFlight;
    await stopped;
    expect([response.status, response.body.toString()]).toEqual([200, 'first;second']);
    expect(JSON.parse(readFileSync(terminateFile, 'utf8'))).toEqual({ startedAt: 'app-start-ran' });
    expect(() => process.kill(fixture.host.pid, 0)).toThrow();
    await fixture.stop();
  });

  test('is idempotent and refuses new connections afterwards', async () => {
    const fixture = await startFixture();
    await Promise.all([fixture.host.stop(), fixture.host.stop()]);
    await expect(send(fixture.host.url, { path: '/fx/hello' })).rejects.toThrow(/ECONNREFUSED/);
    expect(existsSync(join(fixture.tempDir, 'terminated.json'))).toBe(true);
    await fixture.stop();
  });
});
