// Command line of `npm run ledger -- ...`, validated once at start into typed node options.
import { parseArgs } from 'node:util';
import type { LogLevel } from './log';
import type { LedgerNodeOptions } from './node';

export const USAGE = `Usage: npm run ledger -- [options]

A local BigchainDB 2.2.2-compatible node (HTTP API + WebSocket event stream) for development and tests.

Options:
  --http-port N           HTTP API port (default 9984; 0 = any free port)
  --ws-port N             WebSocket event stream port (default 9985; 0 = any free port)
  --host ADDR             interface to bind (default 127.0.0.1)
  --data DIR              keep the chain in DIR across restarts (default: in memory)
  --block-interval-ms N   block interval (default 1000; 0 = commit immediately)
  --empty-blocks          also commit empty blocks on every interval
  --ws-format v1|v2       WebSocket frame format (default v2: {"height", "asset_id", "transaction_id"})
  --admin                 serve the fault-injection endpoint under /admin
  --verifier-threads N    worker threads checking signatures (default 1 with 2+ CPUs, else 0 = on the HTTP thread)
  -h, --help              this text

Environment: LOG_LEVEL = debug | info | warn | error | silent (default info: one line per block).`;

export class CliError extends Error {}

function port(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) throw new CliError(`${name} must be a port number 0-65535, got "${raw}"`);
  return value;
}

export function parseCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { help: true } | { help: false; options: LedgerNodeOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'http-port': { type: 'string' },
        'ws-port': { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'block-interval-ms': { type: 'string' },
        'empty-blocks': { type: 'boolean' },
        'ws-format': { type: 'string' },
        admin: { type: 'boolean' },
        'verifier-threads': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const interval = v['block-interval-ms'];
  if (interval !== undefined && !/^\d+$/.test(interval))
    throw new CliError(`--block-interval-ms must be a whole number of milliseconds, got "${interval}"`);
  const wsFormat = v['ws-format'] ?? 'v2';
  if (wsFormat !== 'v1' && wsFormat !== 'v2') throw new CliError(`--ws-format must be v1 or v2, got "${wsFormat}"`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel))
    throw new CliError(`LOG_LEVEL must be debug, info, warn, error or silent, got "${logLevel}"`);
  if (v.data !== undefined && v.data.trim() === '') throw new CliError('--data needs a directory');
  const threads = v['verifier-threads'];
  if (threads !== undefined && !/^\d+$/.test(threads))
    throw new CliError(`--verifier-threads must be a whole number, got "${threads}"`);
  return {
    help: false,
    options: {
      httpPort: port('--http-port', v['http-port'], 9984),
      wsPort: port('--ws-port', v['ws-port'], 9985),
      host: v.host ?? '127.0.0.1',
      dataDir: v.data,
      blockIntervalMs: interval === undefined ? 1000 : Number(interval),
      emptyBlocks: v['empty-blocks'] ?? false,
      wsFormat,
      admin: v.admin ?? false,
      verifierThreads: threads === undefined ? undefined : Number(threads),
      logLevel: logLevel as LogLevel,
    },
  };
}
