#!/usr/bin/env node
// Smoke test of a deployed Function App (infra/deploy.sh and the deploy workflow run it):
//   SMOKE_FUNCTION_KEY=... SMOKE_WEBHOOK_SECRETS="whsec_..." node devstack/dist/package/smoke-cli.js --url https://<app>.azurewebsites.net
// Secrets come from the environment, never from the command line (process lists are readable).
import { parseArgs } from 'node:util';
import { parseWebhookSecrets } from '@lease-premium/events';
import { runSmokeTest } from './smoke-test';

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, attempts: { type: 'string' }, 'interval-seconds': { type: 'string' } },
    strict: true,
  });
  if (!values.url || !/^https?:\/\//.test(values.url)) throw new Error('--url <Function App base URL> is required');
  const attempts = Number(values.attempts ?? '10');
  const intervalSeconds = Number(values['interval-seconds'] ?? '10');
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw new Error('--attempts must be 1-100');
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > 600)
    throw new Error('--interval-seconds must be 0-600');
  const steps = await runSmokeTest({
    baseUrl: values.url,
    functionKey: required('SMOKE_FUNCTION_KEY'),
    webhookSecrets: parseWebhookSecrets(required('SMOKE_WEBHOOK_SECRETS')),
    healthAttempts: attempts,
    healthIntervalMs: intervalSeconds * 1000,
    log: (line) => console.log(line),
  });
  const failed = steps.filter((s) => !s.ok).length;
  console.log(`${steps.length - failed} passed, ${failed} failed`);
  if (failed > 0 || steps.length < 4) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
