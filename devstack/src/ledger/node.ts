// Starts a BigchainDB-2.2.2-compatible node: chain store (restored from --data), block producer, HTTP API,
// WebSocket event stream and fault injection, and stops them cleanly.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { BlockProducer } from './block-producer';
import { ChainLog } from './chain-log';
import { ChainStore } from './chain-store';
import { LedgerFaults } from './faults';
import { createHttpServer } from './http-server';
import { Logger, type LogLevel, type LogSink } from './log';
import { TransactionSchemaValidator } from './schema-validator';
import { SignatureVerifier } from './signature-verifier';
import { EventStream, EVENTS_ENDPOINT, type WsFormat } from './ws-stream';

export interface LedgerNodeOptions {
  /** HTTP API port (BigchainDB: 9984); 0 picks a free one. Default 9984. */
  httpPort?: number;
  /** WebSocket event stream port (BigchainDB: 9985); 0 picks a free one. Default 9985. */
  wsPort?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Keep the chain in DIR/chain.log across restarts; in memory only when absent. */
  dataDir?: string;
  /** Block interval in ms; 0 commits as soon as the event loop is free (immediate mode). Default 1000. */
  blockIntervalMs?: number;
  /** Commit empty blocks on every interval too (Tendermint create_empty_blocks). Default false. */
  emptyBlocks?: boolean;
  /** WebSocket frame format. Default 'v2'. */
  wsFormat?: WsFormat;
  /** Serve the fault-injection endpoint under /admin on the HTTP port. Default false. */
  admin?: boolean;
  /** Replaces the `streams` URL advertised by /api/v1/ (e.g. behind a proxy). */
  advertisedStreamUrl?: string;
  /**
   * Worker threads verifying signatures in parallel with the HTTP thread. Default: 1 on machines with 2+ CPUs,
   * else 0 (inline). Always inline when running from TypeScript sources (tests).
   */
  verifierThreads?: number;
  /** Default 'warn' ('info' logs one line per block). */
  logLevel?: LogLevel;
  /** Where log lines go. Default stdout. */
  logSink?: LogSink;
}

export interface LedgerNode {
  /** e.g. http://127.0.0.1:9984/api/v1/ (the value for LEDGER_API_URL and the driver's Connection). */
  apiUrl: string;
  /** e.g. http://127.0.0.1:9984 */
  rootUrl: string;
  /** Full event stream URL, ws://127.0.0.1:9985/api/v1/streams/valid_transactions (the value for LEDGER_WS_URL). */
  streamUrl: string;
  /** Same as streamUrl. */
  wsUrl: string;
  /** http://127.0.0.1:9984/admin when admin is on, else null. */
  adminUrl: string | null;
  httpPort: number;
  wsPort: number;
  faults: LedgerFaults;
  /** Latest committed height (0 = only the genesis block). */
  height(): number;
  /** Transactions accepted but not yet in a block. */
  pending(): number;
  /** Commits the pending transactions now, whatever the interval (useful with long intervals in tests). */
  commitNow(): void;
  /** Resolves once the chain reaches `height` (rejects after timeoutMs, default 10 s). */
  waitForHeight(height: number, timeoutMs?: number): Promise<void>;
  /** Stops producing blocks, closes every socket and server, closes the chain log. Idempotent. */
  stop(): Promise<void>;
}

/** The validator set GET /validators reports: one local validator with a fixed, clearly-local key. */
function localValidators(): unknown[] {
  const key = Buffer.from(bigchaindb.sha3Hex('lease-premium local ledger validator'), 'hex');
  return [{ public_key: { type: 'ed25519-base64', value: key.toString('base64') }, voting_power: 10 }];
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function startLedgerNode(options: LedgerNodeOptions = {}): Promise<LedgerNode> {
  const host = options.host ?? '127.0.0.1';
  const logger = new Logger(options.logLevel ?? 'warn', options.logSink);
  const faults = new LedgerFaults();
  const store = new ChainStore();

  let log: ChainLog | undefined;
  if (options.dataDir) {
    const opened = ChainLog.open(options.dataDir);
    log = opened.log;
    for (const record of opened.records) store.commit(record.transactions, record.committedAt);
    if (opened.discardedBytes > 0)
      logger.warn('discarded a torn last record of the chain log', { path: log.path, bytes: opened.discardedBytes });
    logger.info('chain loaded', { path: log.path, height: store.height, transactions: store.transactionCount });
  }

  const heightWaiters = new Set<() => void>();
  let stream: EventStream | undefined;
  const producer = new BlockProducer(
    store,
    { intervalMs: options.blockIntervalMs ?? 1000, emptyBlocks: options.emptyBlocks ?? false },
    {
      persist: (height, committedAt, transactions) => log?.append({ height, committedAt, transactions }),
      committed: (block, transactions, dropped) => {
        faults.noteCommitted(block.transactionIds);
        stream?.publish(
          block,
          transactions.map((t) => ({ id: t.id, assetId: t.operation === 'CREATE' ? t.id : (t.asset.id ?? t.id) })),
        );
        logger.info('block committed', { height: block.height, transactions: transactions.length, dropped });
        for (const notify of [...heightWaiters]) notify();
      },
      failed: (error) =>
        logger.error('cannot persist the chain; the node stopped committing blocks', { error: error.message }),
    },
  );

  const schema = new TransactionSchemaValidator();
  const verifier = new SignatureVerifier(options.verifierThreads ?? (availableParallelism() > 1 ? 1 : 0));
  let streamUrl = options.advertisedStreamUrl ?? '';
  const httpServer = createHttpServer(
    { store, producer, schema, verifier, faults, streamUrl: () => streamUrl, validators: localValidators() },
    {
      admin: options.admin ?? false,
      status: () => ({
        height: store.height,
        transactions: store.transactionCount,
        pending: producer.pendingCount,
        subscribers: stream?.subscriberCount ?? 0,
      }),
    },
  );

  let httpPort: number;
  try {
    stream = await EventStream.start(host, options.wsPort ?? 9985, options.wsFormat ?? 'v2', faults);
    httpPort = await listen(httpServer, options.httpPort ?? 9984, host);
  } catch (error) {
    await stream?.stop();
    await verifier.stop();
    log?.close();
    throw error;
  }
  const liveStream = stream;
  faults.attach({ dropWebSockets: () => liveStream.dropAll() });
  const wsUrl = `ws://${host}:${liveStream.port}${EVENTS_ENDPOINT}`;
  streamUrl ||= wsUrl;
  producer.start();

  let stopping: Promise<void> | undefined;
  const rootUrl = `http://${host}:${httpPort}`;
  return {
    apiUrl: `${rootUrl}/api/v1/`,
    rootUrl,
    streamUrl: wsUrl,
    wsUrl,
    adminUrl: options.admin ? `${rootUrl}/admin` : null,
    httpPort,
    wsPort: liveStream.port,
    faults,
    height: () => store.height,
    pending: () => producer.pendingCount,
    commitNow: () => producer.commitBlock(),
    waitForHeight: (height, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (store.height >= height) return resolve();
        const timer = setTimeout(() => {
          heightWaiters.delete(check);
          reject(new Error(`ledger did not reach height ${height} within ${timeoutMs} ms (at ${store.height})`));
        }, timeoutMs);
        const check = (): void => {
          if (store.height < height) return;
          clearTimeout(timer);
          heightWaiters.delete(check);
          resolve();
        };
        heightWaiters.add(check);
      }),
    stop: () =>
      (stopping ??= (async () => {
        producer.stop(); // settles waiting mode=commit posts (500); let those answers go out before closing
        await new Promise((resolve) => setTimeout(resolve, 20));
        httpServer.closeAllConnections();
        await Promise.all([new Promise<void>((resolve) => httpServer.close(() => resolve())), liveStream.stop()]);
        await verifier.stop();
        log?.close();
      })()),
  };
}
