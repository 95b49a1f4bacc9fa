#!/usr/bin/env node
// `npm run ledger -- --http-port 9984 --ws-port 9985 [--data DIR] [--block-interval-ms N] [--ws-format v1|v2] [--admin]`
import { CliError, parseCli, USAGE } from './cli-options';
import { Logger } from './log';
import { startLedgerNode } from './node';

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`ledger: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = new Logger(cli.options.logLevel ?? 'info');
  const node = await startLedgerNode(cli.options);
  logger.info('ledger node listening', {
    api: node.apiUrl,
    stream: node.streamUrl,
    admin: node.adminUrl,
    data: cli.options.dataDir ?? null,
    height: node.height(),
    blockIntervalMs: cli.options.blockIntervalMs,
    wsFormat: cli.options.wsFormat,
  });
  const shutdown = (signal: string): void => {
    logger.info('stopping', { signal });
    node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`ledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
