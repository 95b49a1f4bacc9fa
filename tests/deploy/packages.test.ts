// `npm run package` end to end: build both zips (real npm pack / npm install), unpack each into a
// folder outside the repository (so nothing resolves from the repo's node_modules), and prove that
// it works: the Function App, loaded by the local Functions host, registers every function, answers
// /api/health and passes the deployment smoke test; the WebJob starts and exits at once, naming the
// missing setting. Also: the content rules reject what must never ship.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPackages, type BuiltPackage } from '../../devstack/src/package/build-packages';
import { WEBJOB_SITE_PREFIX, packageLayout } from '../../devstack/src/package/layout';
import { DEPLOY_PLATFORM } from '../../devstack/src/package/native-prebuilds';
import { checkFunctionAppPackage, checkWebJobPackage } from '../../devstack/src/package/package-contents';
import { directoryView, zipView } from '../../devstack/src/package/package-view';
import { FUNCTION_APP_LAZY_CHUNKS, IDENTITY_CHUNK, TELEMETRY_CHUNK } from '../../devstack/src/package/runtime-modules';
import { runSmokeTest } from '../../devstack/src/package/smoke-test';
import { extractZip, readZipEntries, zipDirectory } from '../../devstack/src/package/zip-archive';
// The compiled host, as `npm run functions:local` runs it (it forks dist/functions-host/host-process.js).
import { startFunctionsHost } from '../../devstack/dist/functions-host/index';
import { testStorageConnectionString, uniqueName } from '../support/storage';

jest.setTimeout(300_000);

const repoRoot = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'lease-premium-packages-'));
const layout = packageLayout(repoRoot, join(work, 'out'));
let built: BuiltPackage[] = [];

// Two real npm installs: minutes on a busy 2-core machine.
beforeAll(async () => {
  built = await buildPackages(layout);
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LAZY_CHUNK_FILES = FUNCTION_APP_LAZY_CHUNKS.map((chunk) => `dist/${chunk.out}.js`);

/** Names registered with app.http/app.get/... in functions/src/functions (what the host must list). */
function functionNamesInSource(): string[] {
  const dir = join(repoRoot, 'functions', 'src', 'functions');
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(
      /\bapp\.(?:http|get|post|put|patch|deleteRequest|timer|storageQueue|generic)\(\s*'([^']+)'/g,
    ))
      names.push(match[1]!);
  }
  return names.sort();
}

function runNode(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string; ms: number }> {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, output, ms: Date.now() - started });
    });
  });
}

describe('function-app.zip', () => {
  test('holds host.json, package.json, the bundle and its lazy chunks: no ledger core, within the cold-start budget', async () => {
    const pkg = built.find((b) => b.name === 'function-app')!;
    expect(pkg.zipPath).toBe(layout.functionAppZip);
    expect(await checkFunctionAppPackage(await zipView(pkg.zipPath))).toEqual([]);
    const paths = (await readZipEntries(pkg.zipPath)).map((e) => e.path);
    // Nothing the Function App needs stays installed today; OpenTelemetry instrumentation would add node_modules/.
    // Beside the bundle: the insurer console's built files, which the console-static function serves.
    const appFiles = paths.filter((p) => !p.startsWith('node_modules/'));
    // The bundle the host loads, and beside it what only some configurations need, each read at its first require.
    expect(appFiles.filter((p) => !p.startsWith('console/dist/')).sort()).toEqual(
      [...LAZY_CHUNK_FILES, 'dist/main.js', 'host.json', 'package.json'].sort(),
    );
    expect(appFiles).toContain('console/dist/index.html');
    expect(pkg.bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(pkg.files).toBeLessThanOrEqual(3000);
    const manifest = JSON.parse(readFileSync(join(layout.functionAppStage, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ main: 'dist/main.js' });
    expect(manifest.devDependencies).toBeUndefined();
    const bundle = readFileSync(join(layout.functionAppStage, 'dist', 'main.js'), 'utf8');
    // V8 parses all of it at every cold start (1.5 MB; 5.0 MB with identity, OpenTelemetry and zod's locales in it).
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(2 * 1024 * 1024);
    // The event contract is in; the BigchainDB transaction core and its libraries are not.
    expect(bundle).toContain('// shared/src/webhook-signature.ts');
    expect(bundle).not.toContain('bigchaindb/src/');
    for (const library of ['crypto-conditions', 'core-js-pure', 'sodium-native', 'node_modules/@azure/functions/'])
      expect({ library, bundled: bundle.includes(library) }).toEqual({
        library,
        bundled: library.startsWith('node_modules/@azure/functions'),
      });
    // Identity, OpenTelemetry and the Queue client are in their chunks, zod's other locales nowhere.
    for (const library of [
      'node_modules/@azure/msal-node/',
      'node_modules/@azure/identity/',
      'node_modules/@opentelemetry/',
      'node_modules/@azure/monitor-opentelemetry-exporter/',
      'node_modules/@azure/storage-queue/',
      'node_modules/zod/v4/locales/fr.js',
    ]) {
      expect({ library, bundled: bundle.includes(library) }).toEqual({ library, bundled: false });
    }
    expect(bundle).toContain('node_modules/zod/v4/locales/en.js');
    expect(bundle).toContain(`require("./${IDENTITY_CHUNK.out}.js")`);
    // Names survive bundling, so stack traces name our functions.
    expect(bundle).toMatch(/function healthHandler\(/);
  });

  test('unpacked and loaded by the local host: every function registered, /api/health 200, smoke test passes', async () => {
    const appRoot = join(work, 'function-app-unpacked');
    await extractZip(layout.functionAppZip, appRoot);
    const keys = {
      functionKey: randomBytes(24).toString('base64url'),
      masterKey: randomBytes(24).toString('base64url'),
    };
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const logs: string[] = [];
    const host = await startFunctionsHost({
      appRoot,
      port: 0,
      keys,
      keysFile: join(work, 'keys.json'),
      env: {
        STORAGE_CONNECTION_STRING: testStorageConnectionString(),
        STORAGE_NAME_PREFIX: uniqueName('pkg'),
        WEBHOOK_SECRETS: secret,
      },
      onLog: (entry) => logs.push(JSON.stringify(entry)),
      startTimeoutMs: 60_000,
    });
    try {
      expect(host.functions.map((f) => f.name).sort()).toEqual(functionNamesInSource());
      expect(functionNamesInSource()).toContain('health');
      const health = await fetch(`${host.url}/api/health`);
      expect(health.status).toBe(200);
      const steps = await runSmokeTest({
        baseUrl: host.url,
        functionKey: keys.functionKey,
        webhookSecrets: [secret],
        healthAttempts: 1,
        healthIntervalMs: 0,
      });
      expect(steps.map((s) => ({ step: s.step, ok: s.ok, detail: s.ok ? 'ok' : s.detail }))).toEqual(
        steps.map((s) => ({ step: s.step, ok: true, detail: 'ok' })),
      );
      expect(steps).toHaveLength(4);
      const consolePage = await fetch(`${host.url}/api/console/`);
      expect({ status: consolePage.status, html: (await consolePage.text()).includes('<script') }).toEqual({
        status: 200,
        html: true,
      });
    } finally {
      await host.stop();
    }
  });

  test('starts without reading its lazy chunks; telemetry on reads the OpenTelemetry chunk, managed identity the identity chunk', async () => {
    const appRoot = join(work, 'function-app-lazy');
    await extractZip(layout.functionAppZip, appRoot);
    const withoutChunks = join(work, 'function-app-without-chunks');
    await extractZip(layout.functionAppZip, withoutChunks);
    for (const file of LAZY_CHUNK_FILES) rmSync(join(withoutChunks, file));
    const env = {
      STORAGE_CONNECTION_STRING: testStorageConnectionString(),
      STORAGE_NAME_PREFIX: uniqueName('lazy'),
      WEBHOOK_SECRETS: `whsec_${randomBytes(32).toString('base64')}`,
    };
    // Telemetry on, exporting nowhere (the export fails later, quietly; start must not wait for it).
    const telemetryOn = {
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-4000-8000-000000000017;IngestionEndpoint=https://127.0.0.1:9/',
    };
    const healthOf = async (root: string, extraEnv: Record<string, string>): Promise<number> => {
      const host = await startFunctionsHost({
        appRoot: root,
        port: 0,
        keysFile: join(work, 'lazy-keys.json'),
        env: { ...env, ...extraEnv },
        startTimeoutMs: 60_000,
      });
      try {
        return (await fetch(`${host.url}/api/health`)).status;
      } finally {
        await host.stop();
      }
    };
    expect(await healthOf(withoutChunks, {})).toBe(200);
    expect(await healthOf(appRoot, telemetryOn)).toBe(200);
    await expect(healthOf(withoutChunks, telemetryOn)).rejects.toThrow(`./${TELEMETRY_CHUNK.out}.js`);
    // The identity chunk hands out the credential the Table and Queue clients are built with.
    writeFileSync(
      join(appRoot, 'check-identity-chunk.js'),
      `const { DefaultAzureCredential } = require('./dist/${IDENTITY_CHUNK.out}.js')['@azure/identity']; process.stdout.write(typeof new DefaultAzureCredential().getToken);`,
    );
    const credential = await runNode('check-identity-chunk.js', appRoot, { PATH: process.env.PATH ?? '' }, 30_000);
    expect(credential.output).toBe('function');
  });
});

describe('webjob.zip', () => {
  test('is laid out for App_Data/jobs/continuous/<name>/ with run.js, settings.job, the bundles and libsodium', async () => {
    const pkg = built.find((b) => b.name === 'webjob')!;
    expect(await checkWebJobPackage(await zipView(pkg.zipPath))).toEqual([]);
    const paths = (await readZipEntries(pkg.zipPath)).map((e) => e.path);
    expect(paths.every((p) => p.startsWith(WEBJOB_SITE_PREFIX))).toBe(true);
    expect(paths).toEqual(
      expect.arrayContaining([
        `${WEBJOB_SITE_PREFIX}run.js`,
        `${WEBJOB_SITE_PREFIX}settings.job`,
        `${WEBJOB_SITE_PREFIX}dist/main.js`,
        `${WEBJOB_SITE_PREFIX}dist/verification-worker.js`,
        `${WEBJOB_SITE_PREFIX}node_modules/sodium-native/package.json`,
      ]),
    );
    // Only the native addon (with what it loads) stays installed; everything else is in the bundles.
    const manifest = JSON.parse(readFileSync(join(layout.webjobSiteStage, WEBJOB_SITE_PREFIX, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['sodium-native']);
    expect(
      paths.some((p) => p.includes('/node_modules/crypto-conditions/') || p.includes('/node_modules/@azure/')),
    ).toBe(false);
    expect(
      paths.filter(
        (p) => p.startsWith(`${WEBJOB_SITE_PREFIX}src/`) || (p.includes('/test/') && !p.includes('/node_modules/')),
      ),
    ).toEqual([]);
  });

  test('unpacked, run.js starts and exits at once naming the missing setting; libsodium checks signatures from the package', async () => {
    const siteRoot = join(work, 'webjob-unpacked');
    await extractZip(layout.webjobZip, siteRoot);
    const jobDir = join(siteRoot, ...WEBJOB_SITE_PREFIX.split('/').filter(Boolean));
    const bareEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work };

    const noTrust = await runNode('run.js', jobDir, bareEnv, 30_000);
    expect(noTrust.code).not.toBe(0);
    expect(noTrust.code).not.toBeNull(); // exited by itself, not killed by the timeout
    expect(noTrust.output).toContain('LEASING_COMPANY_PUBLIC_KEYS');

    const noSecrets = await runNode(
      'run.js',
      jobDir,
      {
        ...bareEnv,
        LEASING_COMPANY_PUBLIC_KEYS: '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS',
        STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      },
      30_000,
    );
    expect(noSecrets.code).not.toBe(0);
    expect(noSecrets.code).not.toBeNull();
    expect(noSecrets.output).toContain('WEBHOOK_SECRETS');

    // The verifier thread, from the package, checks a ledger vector with the package's own (pruned)
    // libsodium binaries: without node_modules/sodium-native the same check fails.
    if (`${process.platform}-${process.arch}` === DEPLOY_PLATFORM) {
      const vectorFile = join(repoRoot, 'bigchaindb', 'test', 'fixtures', 'vectors', 'tx-create-hello-bigchaindb.json');
      writeFileSync(
        join(jobDir, 'verify-vector.js'),
        `const { Worker } = require('node:worker_threads');
        const tx = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(vectorFile)}, 'utf8'));
        const forged = { ...tx, inputs: [{ ...tx.inputs[0], fulfillment: tx.inputs[0].fulfillment.slice(0, -4) + 'AAAA' }] };
        const worker = new Worker(require('node:path').join(__dirname, 'dist', 'verification-worker.js'), { workerData: { trusted: [tx.inputs[0].owners_before[0]] } });
        worker.on('message', ({ verdicts }) => { process.stdout.write(JSON.stringify(verdicts.map((v) => v.ok))); void worker.terminate(); });
        worker.postMessage({ id: 1, raws: [tx, forged] });`,
      );
      const verified = await runNode('verify-vector.js', jobDir, bareEnv, 30_000);
      expect(verified.output).toBe('[true,false]');
      rmSync(join(jobDir, 'node_modules', 'sodium-native'), { recursive: true });
      const withoutSodium = await runNode('verify-vector.js', jobDir, bareEnv, 30_000);
      expect(withoutSodium.output).toBe('[false,false]');
    }
  });
});

describe('content rules', () => {
  function writeTree(root: string, files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  }

  test('reject dev tools, sources, tests, local settings, unresolvable requires and an empty main glob', async () => {
    const root = join(work, 'bad-function-app');
    writeTree(root, {
      'package.json': JSON.stringify({
        name: 'x',
        main: 'functions/dist/functions/*.js',
        dependencies: { 'not-installed': '1.0.0' },
      }),
      'functions/dist/other/a.js': "require('left-pad'); require('./missing');",
      'functions/src/a.ts': 'export {};',
      'bigchaindb/dist/index.js': '',
      'functions/dist/a.test.js': '',
      'local.settings.json': '{}',
      'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript' }),
      'node_modules/@azure/functions/package.json': JSON.stringify({
        name: '@azure/functions',
        dependencies: { cookie: '^0.7.0' },
      }),
      'node_modules/sodium-native/prebuilds/win32-x64/sodium-native.node': '',
      'node_modules/sodium-native/prebuilds/linux-x64/sodium-native.bare': '',
      'node_modules/sodium-native/prebuilds/linux-x64/sodium-native.node': '',
    });
    const problems = await checkFunctionAppPackage(await directoryView(root));
    expect(problems).toEqual(
      expect.arrayContaining([
        'host.json is missing',
        'no file matches package.json main "functions/dist/functions/*.js"',
        'dependency not-installed is not installed in node_modules',
        'node_modules/typescript: a development-only package is in the production package',
        'node_modules/@azure/functions needs cookie, which is not in the package',
        'functions/dist/other/a.js requires left-pad, which is not in the package',
        'functions/dist/other/a.js requires ./missing, which is not in the package',
        'functions/src/a.ts: not part of the Function App',
        'bigchaindb/dist/index.js: not part of the Function App',
        'functions/dist/a.test.js: tests do not belong in a deployable package',
        'local.settings.json: local settings must never be deployed',
        'node_modules/sodium-native/prebuilds/win32-x64/sodium-native.node: a native binary for win32-x64; the apps run on linux-x64',
        'node_modules/sodium-native/prebuilds/linux-x64/sodium-native.bare: a native binary for the Bare runtime, not Node',
      ]),
    );
    expect(problems.filter((problem) => problem.includes('linux-x64/sodium-native.node'))).toEqual([]);
  });

  test('reject a WebJob outside its folder or without is_singleton', async () => {
    const root = join(work, 'bad-webjob');
    writeTree(root, {
      'run.js': '',
      [`${WEBJOB_SITE_PREFIX}run.js`]: "require('./dist/main.js');",
      [`${WEBJOB_SITE_PREFIX}settings.job`]: JSON.stringify({ is_singleton: false }),
      [`${WEBJOB_SITE_PREFIX}package.json`]: JSON.stringify({ name: 'w', main: 'index.js' }),
    });
    const problems = await checkWebJobPackage(await directoryView(root));
    expect(problems).toEqual(
      expect.arrayContaining([
        `run.js: outside ${WEBJOB_SITE_PREFIX}`,
        'settings.job must set "is_singleton": true (one stream consumer per site)',
        'run.js requires ./dist/main.js, which is not in the package',
        `${WEBJOB_SITE_PREFIX}dist/ has no compiled code`,
        'package.json main must be run.js, is index.js',
      ]),
    );
  });

  test('zip round trip keeps content and the executable bit', async () => {
    const root = join(work, 'round-trip');
    writeTree(root, { 'a/b.txt': 'hello', 'run.sh': '#!/bin/sh\necho hi\n' });
    const { chmodSync, statSync } = await import('node:fs');
    chmodSync(join(root, 'run.sh'), 0o755);
    const zip = join(work, 'round-trip.zip');
    expect(await zipDirectory(root, zip)).toBe(2);
    const out = join(work, 'round-trip-out');
    await extractZip(zip, out);
    expect(readFileSync(join(out, 'a/b.txt'), 'utf8')).toBe('hello');
    expect(statSync(join(out, 'run.sh')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(out, 'a'))).toBe(true);
  });
});
