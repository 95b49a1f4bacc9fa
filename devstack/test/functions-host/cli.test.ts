import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { findCoreTools } from '../../src/functions-host/core-tools';
import { fixtureAppRoot } from './fixture';
import { send } from './http-client';

const distDir = resolve(__dirname, '../../dist/functions-host');

describe('npm run functions:local (cli.js)', () => {
  test('prints the function list like func start, serves it, and runs appTerminate on Ctrl+C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'functions-cli-'));
    const terminateFile = join(dir, 'terminated.json');
    const child = spawn(process.execPath, [join(distDir, 'cli.js'), '--port', '0', '--app-root', fixtureAppRoot], {
      env: {
        ...process.env,
        FIXTURE_TERMINATE_FILE: terminateFile,
        FUNCTIONS_LOCAL_FUNCTION_KEY: 'cli-function-key-0000000',
        FUNCTIONS_LOCAL_MASTER_KEY: 'cli-master-key-000000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (
        !/Host started on (http:\/\/127\.0\.0\.1:\d+)/.test(output) &&
        Date.now() < deadline &&
        child.exitCode === null
      )
        await new Promise((r) => setTimeout(r, 20));
      const url = /Host started on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(url).toBeDefined();
      const port = new URL(url as string).port;
      expect(output).toContain('Functions:');
      expect(output).toContain(`\thello: [GET] http://localhost:${port}/fx/hello\n`);
      expect(output).toContain(`\titemById: [GET] http://localhost:${port}/fx/items/{id:int}  (authLevel: function)\n`);
      expect(output).toContain(`\tmulti: [GET,PUT] http://localhost:${port}/fx/multi\n`);
      expect(output).toContain('\ttick: timerTrigger\n');
      const response = await send(url as string, {
        path: '/fx/items/5',
        headers: { 'x-functions-key': 'cli-function-key-0000000' },
      });
      expect(response.status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(JSON.parse(readFileSync(terminateFile, 'utf8'))).toEqual({ startedAt: 'app-start-ran' });
      expect(output).toMatch(/Executed 'Functions.itemById' \(Succeeded/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad arguments and a missing app are clear errors with exit code 1', () => {
    const badPort = spawnSync(process.execPath, [join(distDir, 'cli.js'), '--port', 'x'], { encoding: 'utf8' });
    expect([badPort.status, badPort.stderr]).toEqual([1, expect.stringContaining('--port must be 0-65535')]);
    const dir = mkdtempSync(join(tmpdir(), 'functions-cli-'));
    const noApp = spawnSync(process.execPath, [join(distDir, 'cli.js'), '--port', '0', '--app-root', dir], {
      encoding: 'utf8',
    });
    expect([noApp.status, noApp.stderr]).toEqual([
      1,
      expect.stringContaining(`Cannot read ${join(dir, 'package.json')}`),
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('finding Core Tools (core-tools.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'functions-func-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function executable(file: string): string {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '#!/bin/sh\necho "fake func $@"\n');
    chmodSync(file, 0o755);
    return file;
  }

  function npmPackage(root: string): string {
    const lib = join(root, 'node_modules', 'azure-functions-core-tools', 'lib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(
      join(lib, '..', 'package.json'),
      JSON.stringify({ name: 'azure-functions-core-tools', bin: { func: 'lib/main.js', azfun: 'lib/main.js' } }),
    );
    writeFileSync(join(lib, 'main.js'), '');
    return join(lib, 'main.js');
  }

  test("func on PATH first; the repository's own node_modules/.bin shim is replaced by the package's JavaScript entry run with node; none found is undefined", () => {
    expect(findCoreTools(dir, { PATH: '' })).toBeUndefined();
    executable(join(dir, 'node_modules', '.bin', 'func'));
    const entry = npmPackage(dir);
    const repoBin = join(dir, 'node_modules', '.bin');
    expect(findCoreTools(dir, { PATH: repoBin })).toEqual({
      command: process.execPath,
      args: [entry],
      location: entry,
    });
    const installed = executable(join(dir, 'global', 'func'));
    expect(findCoreTools(dir, { PATH: [repoBin, join(dir, 'global')].join(delimiter) })).toEqual({
      command: installed,
      args: [],
      location: installed,
    });
    rmSync(join(dir, 'node_modules', 'azure-functions-core-tools'), { recursive: true });
    expect(findCoreTools(dir, { PATH: repoBin })).toBeUndefined();
  });
});

describe('npm run functions (func-start.js)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'functions-func-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('explains how to install Core Tools and how to use functions:local otherwise', () => {
    const result = spawnSync(process.execPath, [join(distDir, 'func-start.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: dir },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('azure-functions-core-tools');
    expect(result.stderr).toContain('npm run functions:local -- --port 7071');
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  test('refuses an app whose build does not match package.json "main" before starting func', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ main: 'dist/functions/*.js' }));
    mkdirSync(join(dir, 'bin'));
    const func = join(dir, 'bin', 'func');
    writeFileSync(func, `#!/bin/sh\ntouch "${join(dir, 'func-ran')}"\n`);
    chmodSync(func, 0o755);
    const result = spawnSync(process.execPath, [join(distDir, 'func-start.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: join(dir, 'bin') },
    });
    expect([result.status, result.stderr]).toEqual([
      1,
      expect.stringMatching(
        /Found zero files matching the supplied pattern "dist\/functions\/\*\.js".*Run npm run build/,
      ),
    ]);
    expect(existsSync(join(dir, 'func-ran'))).toBe(false);
  });
});
