import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAuthorized, resolveKeys } from '../../src/functions-host/keys';
import { startFixture, waitForLogs } from './fixture';
import { send } from './http-client';

describe('key resolution', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'functions-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('generates keys once per machine into a private file, then reuses them', () => {
    const file = join(dir, 'nested', 'functions-keys.json');
    const first = resolveKeys(undefined, {}, file);
    expect(first.source).toBe('generated');
    expect(first.keys.functionKey).not.toBe(first.keys.masterKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = resolveKeys(undefined, {}, file);
    expect(second).toEqual({ keys: first.keys, source: 'file' });
  });

  test('explicit keys win over the environment, which wins over the file', () => {
    const file = join(dir, 'keys.json');
    resolveKeys(undefined, {}, file);
    const env = { functionKey: 'env-function-key-000000', masterKey: 'env-master-key-00000000' };
    expect(resolveKeys(undefined, env, file)).toEqual({ keys: env, source: 'environment' });
    const explicit = { functionKey: 'explicit-function-key-0', masterKey: 'explicit-master-key-000' };
    expect(resolveKeys(explicit, env, file)).toEqual({ keys: explicit, source: 'options' });
  });

  test('a broken keys file is an error and is left untouched', () => {
    const file = join(dir, 'keys.json');
    writeFileSync(file, '{"functionKey": "short"}');
    expect(() => resolveKeys(undefined, {}, file)).toThrow(new RegExp(`Keys file ${file} is invalid`));
    writeFileSync(file, 'not json');
    expect(() => resolveKeys(undefined, {}, file)).toThrow(/is not JSON/);
    expect(readFileSync(file, 'utf8')).toBe('not json');
  });

  test('half-configured or unsafe keys are rejected with the variable names', () => {
    expect(() => resolveKeys(undefined, { functionKey: 'only-the-function-key-0' }, join(dir, 'k.json'))).toThrow(
      /FUNCTIONS_LOCAL_FUNCTION_KEY and FUNCTIONS_LOCAL_MASTER_KEY/,
    );
    expect(() =>
      resolveKeys(
        { functionKey: 'has spaces in it 000000', masterKey: 'fine-master-key-0000000' },
        {},
        join(dir, 'k.json'),
      ),
    ).toThrow(/URL-safe/);
  });

  test('auth levels: function accepts function or master key; admin only the master key', () => {
    const keys = { functionKey: 'f'.repeat(20), masterKey: 'm'.repeat(20) };
    const table: [Parameters<typeof isAuthorized>[0], string | undefined, boolean][] = [
      ['anonymous', undefined, true],
      ['function', undefined, false],
      ['function', '', false],
      ['function', keys.functionKey, true],
      ['function', keys.masterKey, true],
      ['function', 'f'.repeat(19), false],
      ['admin', keys.functionKey, false],
      ['admin', keys.masterKey, true],
    ];
    for (const [level, key, expected] of table)
      expect([level, key, isAuthorized(level, key, keys)]).toEqual([level, key, expected]);
  });
});

describe('keys in the running host', () => {
  test('generated on first start and printed once; the same keys on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'functions-keys-run-'));
    const file = join(dir, 'keys.json');
    const a = await startFixture({ keys: undefined, keysFile: file });
    expect(a.host.keysSource).toBe('generated');
    expect(await waitForLogs(a.logs, (entry) => entry.message.includes(a.host.keys.masterKey))).toHaveLength(1);
    expect(
      (await send(a.host.url, { path: '/fx/secret', headers: { 'x-functions-key': a.host.keys.masterKey } })).status,
    ).toBe(200);
    await a.stop();

    const b = await startFixture({ keys: undefined, keysFile: file });
    expect([b.host.keysSource, b.host.keys]).toEqual(['file', a.host.keys]);
    expect(b.logs.some((entry) => entry.message.includes(b.host.keys.masterKey))).toBe(false);
    expect((await send(b.host.url, { path: `/fx/items/3?code=${a.host.keys.functionKey}` })).status).toBe(200);
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('keys from the environment (FUNCTIONS_LOCAL_FUNCTION_KEY / FUNCTIONS_LOCAL_MASTER_KEY)', async () => {
    const fixture = await startFixture({
      keys: undefined,
      env: {
        FUNCTIONS_LOCAL_FUNCTION_KEY: 'env-function-key-123456',
        FUNCTIONS_LOCAL_MASTER_KEY: 'env-master-key-12345678',
      },
    });
    expect(fixture.host.keysSource).toBe('environment');
    expect(
      (await send(fixture.host.url, { path: '/fx/items/3', headers: { 'x-functions-key': 'env-function-key-123456' } }))
        .status,
    ).toBe(200);
    expect(
      (await send(fixture.host.url, { path: '/fx/secret', headers: { 'x-functions-key': 'env-function-key-123456' } }))
        .status,
    ).toBe(401);
    await fixture.stop();
  });
});
