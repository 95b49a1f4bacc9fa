#!/usr/bin/env node
// Checks that `npm run functions` (Core Tools' `func start`) serves this app, as CI does on Linux,
// macOS and Windows and as the tests do with a stand-in `func` on PATH:
//   npm run functions:check [-- --timeout-s 300]     (builds the devstack only, not the Function App)
// starts Azurite (in memory, free ports), runs `npm run functions -- --port <free port>` from the
// repository root with the storage and a fresh webhook secret in the environment (and nothing else:
// `npm run functions` must supply FUNCTIONS_WORKER_RUNTIME itself), waits for GET /api/health = 200,
// posts one signed webhook (a deliberately invalid event: a 400 problem+json proves the signature was
// accepted and the handler ran, and nothing is written), then stops it and checks that the whole
// process tree is gone and the port free. Exit code 0 when every step passed.
//   node devstack/dist/functions-host/func-start-check.js --url http://127.0.0.1:7071
// only checks an app that is already running (WEBHOOK_SECRETS, and FUNCTIONS_KEY if the host checks
// keys, from the environment).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseWebhookSecrets, STRUCTURED_CONTENT_TYPE, WebhookSigner } from '@lease-premium/events';
import crossSpawn from 'cross-spawn';
import { startAzurite } from '../azurite/azurite-process';
import { freePort, isPortFree } from '../stack/ports';
import { stopTree, treeAlive, treeRootSpawnOptions } from '../stack/process-tree';
import { httpAnswers, waitUntil } from '../stack/wait';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface AppCheck {
  baseUrl: string;
  webhookSecrets: string[];
  /** Sent as x-functions-key: `func start` ignores it, the project's local host requires it. */
  functionKey?: string;
}

/** GET /api/health must be 200; one signed, invalid CloudEvent must be answered 400 problem+json. Returns failures. */
export async function checkRunningApp(check: AppCheck, log: (line: string) => void): Promise<string[]> {
  const failures: string[] = [];
  const health = await fetch(`${check.baseUrl}/api/health`, { signal: AbortSignal.timeout(30_000) });
  const healthBody = await health.text();
  log(`GET /api/health -> ${health.status} ${healthBody.slice(0, 200)}`);
  if (health.status !== 200) failures.push(`GET /api/health answered ${health.status}`);

  const id = `func-start-check-${randomBytes(6).toString('hex')}`;
  const body = JSON.stringify({
    specversion: '1.0',
    id,
    source: 'urn:lease-premium:func-start-check',
    type: 'lease-premium.func-start-check',
  });
  const response = await fetch(`${check.baseUrl}/api/ownership-changes`, {
    method: 'POST',
    body,
    headers: {
      'content-type': STRUCTURED_CONTENT_TYPE,
      ...(check.functionKey !== undefined ? { 'x-functions-key': check.functionKey } : {}),
      ...new WebhookSigner(check.webhookSecrets).sign(id, body),
    },
    signal: AbortSignal.timeout(30_000),
  });
  const contentType = response.headers.get('content-type') ?? '';
  log(
    `POST /api/ownership-changes (signed, invalid event) -> ${response.status} ${contentType} ${(await response.text()).slice(0, 200)}`,
  );
  if (response.status !== 400 || !contentType.includes('problem+json'))
    failures.push(`the signed webhook answered ${response.status} ${contentType}, expected 400 problem+json`);
  return failures;
}

async function checkNpmRunFunctions(timeoutMs: number, log: (line: string) => void): Promise<string[]> {
  const azurite = await startAzurite();
  const port = await freePort();
  const webhookSecrets = [`whsec_${randomBytes(32).toString('base64')}`];
  const functionKey = randomBytes(24).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    AzureWebJobsStorage: azurite.connectionString,
    STORAGE_NAME_PREFIX: `funcstart${randomBytes(3).toString('hex')}`,
    WEBHOOK_SECRETS: webhookSecrets.join(' '),
    FUNCTIONS_LOCAL_FUNCTION_KEY: functionKey,
    FUNCTIONS_LOCAL_MASTER_KEY: randomBytes(24).toString('base64url'),
  };
  delete env.FUNCTIONS_WORKER_RUNTIME;
  log(`npm run functions -- --port ${port} (Azurite on ${azurite.ports.table})`);
  // cross-spawn finds npm.cmd on Windows and runs it through cmd.exe.
  const child = crossSpawn('npm', ['run', 'functions', '--', '--port', String(port)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    ...treeRootSpawnOptions,
  });
  const failures: string[] = [];
  let exited = false;
  child.once('exit', (code, signal) => {
    exited = true;
    log(`npm run functions exited (code ${code}, signal ${signal})`);
  });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntil(
      async () => {
        if (exited) throw new Error('npm run functions exited before /api/health answered 200');
        return httpAnswers(`${baseUrl}/api/health`, [200]);
      },
      { timeoutMs, intervalMs: 500, what: `${baseUrl}/api/health to answer 200` },
    );
    failures.push(...(await checkRunningApp({ baseUrl, webhookSecrets, functionKey }, log)));
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await stopTree(child, 15_000);
    if (child.pid !== undefined && treeAlive(child.pid))
      failures.push(`processes of npm run functions (group ${child.pid}) survived the stop`);
    if (!(await isPortFree(port))) failures.push(`port ${port} is still taken after the stop`);
    else log(`stopped: process tree gone, port ${port} free`);
    await azurite.stop();
  }
  return failures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, 'timeout-s': { type: 'string' } }, strict: true });
  const timeoutSeconds = Number(values['timeout-s'] ?? '300');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600)
    throw new Error('--timeout-s must be 1-3600');
  const log = (line: string): void => console.log(`[func-start-check] ${line}`);
  let failures: string[];
  if (values.url !== undefined) {
    if (!/^https?:\/\//.test(values.url)) throw new Error('--url must be an http(s) URL');
    const secrets = process.env.WEBHOOK_SECRETS;
    if (!secrets) throw new Error('WEBHOOK_SECRETS is not set');
    const functionKey = process.env.FUNCTIONS_KEY;
    failures = await checkRunningApp(
      {
        baseUrl: values.url.replace(/\/+$/, ''),
        webhookSecrets: parseWebhookSecrets(secrets),
        ...(functionKey ? { functionKey } : {}),
      },
      log,
    );
  } else {
    failures = await checkNpmRunFunctions(timeoutSeconds * 1000, log);
  }
  for (const failure of failures) log(`FAIL ${failure}`);
  log(failures.length === 0 ? 'ok' : `${failures.length} check(s) failed`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`[func-start-check] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
