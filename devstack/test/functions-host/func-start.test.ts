// `npm run functions` end to end with a stand-in for Core Tools' `func` on PATH (real Core Tools
// cannot be installed here; CI runs the same check with the real ones on Linux, macOS and Windows).
// The stand-in refuses to start wherever real `func start` would stop, hang on its runtime menu or
// serve a stale or missing build, and then serves the app through the project's local host; its
// limits (no .NET host, keys enforced, no functionTimeout or file watching) are listed in
// stand-in-func/func.js.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixtureAppRoot } from './fixture';
import { pathWith, standInFuncScript, writeStandInFunc } from './stand-in-func';

const repoRoot = resolve(__dirname, '../../..');
const checkScript = join(repoRoot, 'devstack/dist/functions-host/func-start-check.js');

describe('npm run functions with a stand-in func on PATH', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'func-start-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('builds, supplies the worker runtime, serves /api/health and a signed webhook, then stops the whole process tree', () => {
    const bin = writeStandInFunc(join(dir, 'bin'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathWith(bin) };
    delete env.FUNCTIONS_WORKER_RUNTIME;
    const result = spawnSync(process.execPath, [checkScript, '--timeout-s', '150'], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 170_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect({ status: result.status, output }).toEqual({
      status: 0,
      output: expect.stringContaining('[func-start-check] ok'),
    });
    expect(output).toMatch(
      /> npm run build && node devstack\/dist\/functions-host\/func-start\.js --port \d+[\s\S]*> tsc -b/,
    );
    expect(output).toContain('FUNCTIONS_WORKER_RUNTIME=node');
    expect(output).toMatch(/GET \/api\/health -> 200/);
    expect(output).toMatch(/POST \/api\/ownership-changes \(signed, invalid event\) -> 400 application\/problem\+json/);
    expect(output).toMatch(/stopped: process tree gone, port \d+ free/);
  }, 180_000);

  describe('the stand-in refuses what real Core Tools would not run', () => {
    function runStandIn(appRoot: string, env: NodeJS.ProcessEnv, args = ['start', '--port', '0']) {
      const clean: NodeJS.ProcessEnv = { ...process.env, AzureWebJobsStorage: 'UseDevelopmentStorage=true', ...env };
      for (const [name, value] of Object.entries(env)) if (value === undefined) delete clean[name];
      return spawnSync(process.execPath, [standInFuncScript, ...args], {
        cwd: appRoot,
        env: clean,
        encoding: 'utf8',
        timeout: 20_000,
      });
    }
    function appCopy(): string {
      const app = join(dir, 'app');
      cpSync(fixtureAppRoot, app, { recursive: true });
      return app;
    }

    test('no FUNCTIONS_WORKER_RUNTIME: the runtime menu real Core Tools would wait on forever', () => {
      const app = appCopy();
      writeFileSync(join(app, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: {} }));
      const result = runStandIn(app, { FUNCTIONS_WORKER_RUNTIME: undefined });
      expect([result.status, result.stdout, result.stderr]).toEqual([
        3,
        expect.stringContaining('Select a number for worker runtime'),
        expect.stringContaining('would wait on this menu forever'),
      ]);
    });

    test('an extension bundle in host.json, plain values without "IsEncrypted": false, a missing build, unknown options', () => {
      const app = appCopy();
      const hostJson = JSON.parse(readFileSync(join(app, 'host.json'), 'utf8'));
      writeFileSync(
        join(app, 'host.json'),
        JSON.stringify({
          ...hostJson,
          extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
        }),
      );
      expect(runStandIn(app, { FUNCTIONS_WORKER_RUNTIME: 'node' }).stderr).toContain('declares an extension bundle');
      writeFileSync(join(app, 'host.json'), JSON.stringify(hostJson));

      writeFileSync(join(app, 'local.settings.json'), JSON.stringify({ Values: { FUNCTIONS_WORKER_RUNTIME: 'node' } }));
      expect(runStandIn(app, {}).stderr).toContain('Failed to decrypt settings');
      writeFileSync(
        join(app, 'local.settings.json'),
        JSON.stringify({ IsEncrypted: false, Values: { FUNCTIONS_WORKER_RUNTIME: 'node' } }),
      );

      writeFileSync(join(app, 'package.json'), JSON.stringify({ main: 'dist/functions/*.js' }));
      expect(runStandIn(app, {}).stderr).toContain('Found zero files matching the supplied pattern');
      expect(runStandIn(app, {}, ['start', '--typescript']).stderr).toContain('does not understand "--typescript"');
    });
  });
});
