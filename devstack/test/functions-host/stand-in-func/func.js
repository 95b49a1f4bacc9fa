// A stand-in for Azure Functions Core Tools' `func start`, put on PATH by the tests (Core Tools cannot
// be installed on these machines). It refuses to start wherever real Core Tools 4.x would stop, hang
// or serve something else, then serves the app through the project's local Functions host, run as a
// child process the way `func` runs its Node worker.
//
// What it checks, each from Core Tools' sources (https://github.com/Azure/azure-functions-core-tools,
// src/Cli/func): arguments (`start`, `--port`/`-p`, `--verbose`); FUNCTIONS_WORKER_RUNTIME from the
// environment or local.settings.json, else the interactive runtime menu that never returns on a closed
// stdin (StartHostAction.EnsureWorkerRuntimeIsSet); local.settings.json as AppSettingsFile reads it (a
// missing "IsEncrypted" means encrypted); AzureWebJobsStorage set; host.json present and without an
// extension bundle (which `func start` downloads for non-.NET apps: no first run offline); the port free
// ("Port N is unavailable"); package.json `main` matching built files (the Node worker indexes nothing
// otherwise), none older than its TypeScript source (a stale build serves old code).
//
// Its limits: no .NET host, no gRPC, no extension loading, no file watching and no functionTimeout
// (see devstack/src/functions-host/README.md); the local host enforces function keys where `func start`
// disables them, so callers send the key they configured; only the options above are understood.
//
// Test switches: STAND_IN_FUNC_PID_FILE receives "<own pid> <serving child pid>";
// STAND_IN_FUNC_IGNORE_SIGTERM=1 makes it ignore SIGTERM (a wrapper that must be killed).
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const fg = require('fast-glob');

const localHostCli = path.resolve(__dirname, '../../../dist/functions-host/cli.js');

function refuse(code, message) {
  process.stderr.write(`stand-in func: ${message}\n`);
  process.exit(code);
}

function parseArguments(argv) {
  if (argv[0] !== 'start') refuse(2, `expected "func start", got "func ${argv.join(' ')}"`);
  const options = { port: undefined };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port' || arg === '-p') {
      const value = argv[++i];
      if (!/^\d+$/.test(value ?? '') || Number(value) > 65535) refuse(2, `--port needs a port number, got "${value}"`);
      options.port = Number(value);
    } else if (arg !== '--verbose') {
      refuse(2, `this stand-in does not understand "${arg}"`);
    }
  }
  return options;
}

function readSettingsFile(appRoot) {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return { values: {}, port: undefined };
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const values = json.Values ?? {};
  const encrypted = json.IsEncrypted ?? true;
  if (encrypted && Object.values(values).some((value) => value !== '' && value !== null)) {
    refuse(
      1,
      'Failed to decrypt settings. Encrypted settings only be edited through \'func settings add\'. (local.settings.json without "IsEncrypted": false)',
    );
  }
  return { values, port: json.Host?.LocalHttpPort };
}

function setting(name, settings) {
  const fromEnvironment = process.env[name];
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  return settings.values[name];
}

function checkBuild(appRoot) {
  const pkg = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8'));
  if (typeof pkg.main !== 'string') refuse(1, 'package.json has no "main": the Node worker finds no functions');
  const files = fg.sync(pkg.main, { cwd: appRoot, onlyFiles: true });
  if (files.length === 0)
    refuse(1, `Found zero files matching the supplied pattern "${pkg.main}" (the app is not built)`);
  for (const file of files) {
    const source = path.join(appRoot, file.replace(/(^|\/)dist\//, '$1src/').replace(/\.js$/, '.ts'));
    if (existsSync(source) && statSync(source).mtimeMs > statSync(path.join(appRoot, file)).mtimeMs) {
      refuse(1, `${file} is older than ${path.relative(appRoot, source)}: a stale build would be served`);
    }
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const appRoot = process.cwd();
  const settings = readSettingsFile(appRoot);

  const runtime = setting('FUNCTIONS_WORKER_RUNTIME', settings);
  if (runtime === undefined || runtime === '') {
    process.stdout.write(
      'Select a number for worker runtime:\n1. dotnet (isolated worker model)\n2. dotnet (in-process model)\n3. node\n4. python\n5. java\n6. powershell\n7. custom\nChoose option: ',
    );
    refuse(3, 'FUNCTIONS_WORKER_RUNTIME is not set: real Core Tools would wait on this menu forever');
  }
  if (runtime !== 'node') refuse(1, `FUNCTIONS_WORKER_RUNTIME is "${runtime}", this app needs "node"`);
  const storage = setting('AzureWebJobsStorage', settings);
  if (storage === undefined || storage === '') refuse(1, 'AzureWebJobsStorage is not set');

  const hostJsonFile = path.join(appRoot, 'host.json');
  if (!existsSync(hostJsonFile)) refuse(1, `no host.json in ${appRoot}`);
  const hostJson = JSON.parse(readFileSync(hostJsonFile, 'utf8'));
  if (hostJson.extensionBundle !== undefined)
    refuse(1, 'host.json declares an extension bundle: func start would download it (no offline first run)');

  checkBuild(appRoot);
  const port = options.port ?? settings.port ?? 7071;
  if (!(await portIsFree(port)))
    refuse(
      1,
      `Port ${port} is unavailable. Close the process using that port, or specify another port using --port [-p].`,
    );

  const child = spawn(process.execPath, [localHostCli, '--port', String(port), '--app-root', appRoot], {
    stdio: 'inherit',
    env: process.env,
  });
  if (process.env.STAND_IN_FUNC_PID_FILE)
    writeFileSync(process.env.STAND_IN_FUNC_PID_FILE, `${process.pid} ${child.pid}`);
  const forward = (signal) => () => {
    if (signal === 'SIGTERM' && process.env.STAND_IN_FUNC_IGNORE_SIGTERM === '1') return;
    child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => refuse(1, error instanceof Error ? error.message : String(error)));
