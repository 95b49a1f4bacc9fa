import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultBodySizeLimit, readHostConfig } from '../../src/functions-host/host-config';
import { startFunctionsHost } from '../../src/functions-host/index';
import { applySettings, missingSettingsAdvice, readLocalSettings } from '../../src/functions-host/local-settings';
import { localDevelopmentSettings } from '../../src/functions-host/local-development-settings';
import { send } from './http-client';

const repoNodeModules = resolve(__dirname, '../../../node_modules');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'functions-config-'));
}

describe('local.settings.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const settingsFile = (): string => join(dir, 'local.settings.json');

  test('only local.settings.json is read, never the example next to it; Values become strings, nulls are skipped', () => {
    writeFileSync(
      join(dir, 'local.settings.json.example'),
      JSON.stringify({ IsEncrypted: false, Values: { A: 'example' } }),
    );
    expect(readLocalSettings(dir)).toEqual({ file: undefined, values: {}, localHttpPort: undefined });
    writeFileSync(
      settingsFile(),
      JSON.stringify({
        IsEncrypted: false,
        Values: { A: 'real', N: 3, B: true, E: '', Z: null },
        Host: { LocalHttpPort: 7072 },
      }),
    );
    expect(readLocalSettings(dir)).toEqual({
      file: settingsFile(),
      values: { A: 'real', N: '3', B: 'true', E: '' },
      localHttpPort: 7072,
    });
  });

  test('a missing file says what to do', () => {
    expect(missingSettingsAdvice(dir)).toMatch(
      /No local\.settings\.json in .*: only the environment configures the app\. To set local values, create local\.settings\.json/,
    );
    writeFileSync(join(dir, 'local.settings.json.example'), '{}');
    expect(missingSettingsAdvice(dir)).toMatch(/copy local\.settings\.json\.example to local\.settings\.json/);
  });

  test('as in Core Tools, a file without "IsEncrypted": false is encrypted: plain values are refused, empty ones are fine', () => {
    writeFileSync(settingsFile(), JSON.stringify({ Values: { A: 'plain' } }));
    expect(() => readLocalSettings(dir)).toThrow(
      /has no "IsEncrypted" \(Core Tools then read its values as encrypted\).*Add "IsEncrypted": false/,
    );
    writeFileSync(settingsFile(), JSON.stringify({ IsEncrypted: true, Values: { A: 'c2VjcmV0' } }));
    expect(() => readLocalSettings(dir)).toThrow(/has "IsEncrypted": true; this host cannot decrypt values/);
    writeFileSync(settingsFile(), JSON.stringify({ Values: { A: '' }, Host: { LocalHttpPort: 7073 } }));
    expect(readLocalSettings(dir)).toEqual({ file: settingsFile(), values: { A: '' }, localHttpPort: 7073 });
  });

  test('bad files are clear errors naming the file', () => {
    writeFileSync(settingsFile(), '{ nope');
    expect(() => readLocalSettings(dir)).toThrow(new RegExp(`${settingsFile()} is not valid JSON`));
    writeFileSync(settingsFile(), JSON.stringify({ IsEncrypted: false, Values: { A: { nested: 1 } } }));
    expect(() => readLocalSettings(dir)).toThrow(/is invalid/);
  });

  test('as in Core Tools, a variable set and not empty wins; an empty one takes the file value', () => {
    const env: NodeJS.ProcessEnv = { KEPT: 'mine', EMPTY: '' };
    expect(applySettings({ KEPT: 'theirs', EMPTY: 'theirs', NEW: 'new', '': 'no name' }, env)).toEqual([
      'EMPTY',
      'NEW',
    ]);
    expect(env).toEqual({ KEPT: 'mine', EMPTY: 'theirs', NEW: 'new' });
  });
});

describe('local-development settings of npm run functions and functions:local', () => {
  test('supplies only what neither the environment (set, not empty) nor local.settings.json sets; the webhook secret is the per-machine one', async () => {
    const dir = tempDir();
    try {
      const all = await localDevelopmentSettings(dir, { FUNCTIONS_WORKER_RUNTIME: '' });
      const secret = JSON.parse(readFileSync(join(dir, '.devstack', 'local-config.json'), 'utf8')).webhookSecret;
      expect(all.supplied).toEqual({
        FUNCTIONS_WORKER_RUNTIME: 'node',
        AzureWebJobsStorage: 'UseDevelopmentStorage=true',
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        WEBHOOK_SECRETS: secret,
      });
      expect(all.notes.join('\n')).toMatch(
        /FUNCTIONS_WORKER_RUNTIME=node[\s\S]*WEBHOOK_SECRETS=the secret in \.devstack\/local-config\.json/,
      );
      expect(all.notes.join('\n')).not.toContain(secret);

      writeFileSync(
        join(dir, 'local.settings.json'),
        JSON.stringify({
          IsEncrypted: false,
          Values: { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', WEBHOOK_SECRETS: 'whsec_c2VjcmV0' },
        }),
      );
      const some = await localDevelopmentSettings(dir, { FUNCTIONS_WORKER_RUNTIME: 'node', AzureWebJobsStorage: 'x' });
      expect(some).toEqual({ supplied: {}, notes: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('host settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('defaults: prefix "api", 100 MB body limit', () => {
    expect(readHostConfig(dir, {})).toEqual({
      routePrefix: 'api',
      bodySizeLimit: defaultBodySizeLimit,
      keysFromEnvironment: {},
    });
    expect(defaultBodySizeLimit).toBe(104_857_600);
  });

  test('host.json routePrefix, overridden by the AzureFunctionsJobHost__ app setting', () => {
    writeFileSync(
      join(dir, 'host.json'),
      JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: '' } } }),
    );
    expect(readHostConfig(dir, {}).routePrefix).toBe('');
    expect(readHostConfig(dir, { AzureFunctionsJobHost__extensions__http__routePrefix: '/v2/' }).routePrefix).toBe(
      'v2',
    );
  });

  test('FUNCTIONS_REQUEST_BODY_SIZE_LIMIT must be a positive whole number', () => {
    expect(readHostConfig(dir, { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '5000' }).bodySizeLimit).toBe(5000);
    for (const bad of ['0', '-1', '1.5', '10MB']) {
      expect(() => readHostConfig(dir, { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: bad })).toThrow(
        /FUNCTIONS_REQUEST_BODY_SIZE_LIMIT must be a positive whole number/,
      );
    }
  });

  test('a broken host.json is an error naming the file', () => {
    writeFileSync(join(dir, 'host.json'), '{');
    expect(() => readHostConfig(dir, {})).toThrow(/host\.json is not valid JSON/);
  });
});

/** A throwaway CommonJS app in a temp dir; NODE_PATH lets it find the repo's @azure/functions. */
function writeApp(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function startApp(dir: string, env: Record<string, string> = {}) {
  return startFunctionsHost({
    appRoot: dir,
    port: 0,
    keysFile: join(dir, 'keys.json'),
    env: { NODE_PATH: repoNodeModules, ...env },
    onLog: () => undefined,
  });
}

describe('app startup', () => {
  const handler = `const { app } = require('@azure/functions');
app.get('hello', { route: 'hello/{who?}', handler: (req) => ({ body: 'hi ' + (req.params.who ?? process.env.WHO) }) });`;

  test('empty routePrefix, local.settings.json (never the example), `main` with braces', async () => {
    const dir = writeApp({
      'package.json': JSON.stringify({ main: 'out/{a,b}.js' }),
      'host.json': JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: '' } } }),
      'local.settings.json': JSON.stringify({ IsEncrypted: false, Values: { WHO: 'from-json' } }),
      'local.settings.json.example': JSON.stringify({ Values: { WHO: 'from-example' } }),
      'out/a.js': handler,
      'out/b.js': `require('@azure/functions').app.get('second', { handler: () => ({ body: 'b' }) });`,
      'out/c.js': `throw new Error('c.js is not matched by main and must not load');`,
    });
    const host = await startApp(dir);
    try {
      expect(host.functions.map((fn) => fn.route)).toEqual(['hello/{who?}', 'second']);
      expect((await send(host.url, { path: '/hello' })).body.toString()).toBe('hi from-json');
      expect((await send(host.url, { path: '/second' })).body.toString()).toBe('b');
      expect(host.settingsFile).toBe(join(dir, 'local.settings.json'));
    } finally {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [
      'no files match main',
      { 'package.json': JSON.stringify({ main: 'dist/*.js' }) },
      /Found zero files matching the supplied pattern "dist\/\*\.js"/,
    ],
    ['package.json has no main', { 'package.json': '{}' }, /has no "main"/],
    [
      'an entry point throws',
      { 'package.json': JSON.stringify({ main: 'x.js' }), 'x.js': `throw new Error('kaput')` },
      /unable to load entry point "x.js": kaput/,
    ],
    [
      'a route uses an unknown constraint',
      {
        'package.json': JSON.stringify({ main: 'x.js' }),
        'x.js': `require('@azure/functions').app.get('f', { route: 'a/{b:wat}', handler: () => undefined })`,
      },
      /Function "f": .*Unknown route constraint "wat"/,
    ],
    [
      'a bad body size limit',
      {
        'package.json': JSON.stringify({ main: 'x.js' }),
        'x.js': handler,
        'local.settings.json': JSON.stringify({
          IsEncrypted: false,
          Values: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: 'lots' },
        }),
      },
      /FUNCTIONS_REQUEST_BODY_SIZE_LIMIT/,
    ],
    [
      'local.settings.json has plain values but no "IsEncrypted": false',
      {
        'package.json': JSON.stringify({ main: 'x.js' }),
        'x.js': handler,
        'local.settings.json': JSON.stringify({ Values: { WHO: 'x' } }),
      },
      /has no "IsEncrypted"/,
    ],
  ])('fails clearly when %s', async (_name, files, message) => {
    const dir = writeApp(files);
    try {
      await expect(startApp(dir)).rejects.toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('"type": "module" app: .js files are imported as ESM, .cjs files required as CommonJS', async () => {
    const host = await startFunctionsHost({
      appRoot: join(__dirname, 'fixture-esm-app'),
      port: 0,
      keysFile: join(tmpdir(), `esm-keys-${process.pid}.json`),
      onLog: () => undefined,
    });
    try {
      expect(host.functions.map((fn) => fn.name).sort()).toEqual(['greet', 'legacy']);
      expect(JSON.parse((await send(host.url, { path: '/api/greet/ada' })).body.toString())).toEqual({
        hello: 'ada',
        module: 'esm',
      });
      expect(JSON.parse((await send(host.url, { path: '/api/legacy' })).body.toString())).toEqual({ module: 'cjs' });
    } finally {
      await host.stop();
      rmSync(join(tmpdir(), `esm-keys-${process.pid}.json`), { force: true });
    }
  });

  test('a missing app directory is a clear error', async () => {
    await expect(startFunctionsHost({ appRoot: '/nonexistent/function-app', port: 0 })).rejects.toThrow(
      'Function App directory /nonexistent/function-app does not exist',
    );
  });

  test('an app that registers nothing starts with no functions and every request is 404', async () => {
    const dir = writeApp({ 'package.json': JSON.stringify({ main: 'x.js' }), 'x.js': 'module.exports = {};' });
    const host = await startApp(dir);
    try {
      expect(host.functions).toEqual([]);
      expect((await send(host.url, { path: '/api/anything' })).status).toBe(404);
    } finally {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
