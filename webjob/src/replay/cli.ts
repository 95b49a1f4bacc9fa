// npm run replay -- --from-height H [--to-height H2] | --asset ID | --dead-letters
// Re-delivers on demand through the live path, marked replay: true. Same settings as the WebJob.
import { WebhookSigner } from '@lease-premium/events';
import { ConfigError, loadConfig } from '../config';
import { QueueDeadLetterStore } from '../deadletter/dead-letter-store';
import { WebhookSender } from '../delivery/webhook-sender';
import { LedgerClient } from '../ledger/ledger-client';
import { createLogger } from '../ops/logger';
import { WebJobMetrics } from '../ops/metrics';
import { createStorageClients, ensureStorage } from '../storage/storage-clients';
import { DEAD_LETTER_TUNING, LEDGER_TUNING } from '../tuning';
import { Replayer, type ReplayRequest } from './replayer';

export const USAGE = 'usage: npm run replay -- --from-height H [--to-height H2] | --asset ASSET_ID | --dead-letters';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function height(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value))
    throw new UsageError(
      `${flag} needs a block height (a whole number), got ${value === undefined ? 'nothing' : `"${value}"`}`,
    );
  return Number(value);
}

export function parseReplayArgs(argv: string[]): ReplayRequest {
  const [flag, value, ...rest] = argv;
  if (flag === '--from-height') {
    const from = height(flag, value);
    if (rest.length === 0) return { kind: 'heights', from, to: undefined };
    if (rest[0] !== '--to-height' || rest.length !== 2)
      throw new UsageError(`unexpected arguments after --from-height: ${rest.join(' ')}`);
    const to = height('--to-height', rest[1]);
    if (to < from) throw new UsageError(`--to-height ${to} is below --from-height ${from}`);
    return { kind: 'heights', from, to };
  }
  if (flag === '--asset') {
    if (value === undefined || !/^[0-9a-f]{64}$/.test(value) || rest.length > 0)
      throw new UsageError('--asset needs one asset id (64 lowercase hex characters)');
    return { kind: 'asset', assetId: value };
  }
  if (flag === '--dead-letters' && argv.length === 1) return { kind: 'dead-letters' };
  throw new UsageError(argv.length === 0 ? 'say what to replay' : `unknown arguments: ${argv.join(' ')}`);
}

async function main(): Promise<number> {
  let request: ReplayRequest;
  let config;
  try {
    request = parseReplayArgs(process.argv.slice(2));
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { service: 'webjob-replay' });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const storage = createStorageClients(config.storage);
  await ensureStorage(storage);
  const metrics = new WebJobMetrics();
  const replayer = new Replayer({
    config,
    ledger: new LedgerClient({
      apiUrl: config.ledger.apiUrl,
      requestTimeoutMs: config.ledger.requestTimeoutMs,
      retry: LEDGER_TUNING.readRetry,
      logger,
      metrics,
    }),
    sender: new WebhookSender({
      url: config.webhook.url,
      functionKey: config.webhook.functionKey,
      signer: new WebhookSigner(config.webhook.secrets),
      timeoutMs: config.webhook.timeoutMs,
    }),
    deadLetters: new QueueDeadLetterStore(
      storage.deadLetters,
      storage.checkpoints,
      DEAD_LETTER_TUNING.writeRetry,
      logger,
    ),
    logger,
    metrics,
    signal: abort.signal,
  });
  logger.info('replay starting', { request });
  const summary = await replayer.run(request);
  process.stdout.write(`${JSON.stringify({ replay: request, ...summary })}\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
