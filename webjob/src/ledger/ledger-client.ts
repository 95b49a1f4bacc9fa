// HTTP reads from a BigchainDB node (API v1). Transient failures (network errors, timeouts, 5xx)
// are retried with backoff until the caller's signal aborts; 404 means "not there (yet)" and is
// returned to the caller, who knows whether it is the tip, index lag, or a wrong id.
import { z } from 'zod';
import { AbortedError } from '../util/aborted';
import { retry, RetryLater, type BackoffPolicy, type RetryNotice } from '../util/retry';
import { requestSignal } from '../util/request-signal';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';

/** A block as GET /blocks/{height} returns it; transactions are validated one by one later. */
export interface LedgerBlock {
  height: number;
  transactions: unknown[];
}

const BlockBody = z.object({ height: z.int().min(0), transactions: z.array(z.unknown()) });
const ApiIndexBody = z.object({ streams: z.string().optional() }).loose();
const HeightList = z.array(z.int().min(0));
const TxList = z.array(z.unknown());

export interface LedgerClientOptions {
  apiUrl: string; // ".../api/v1/"
  requestTimeoutMs: number;
  retry: BackoffPolicy;
  logger: Logger;
  metrics?: WebJobMetrics;
}

export class LedgerHttpError extends Error {
  override readonly name = 'LedgerHttpError';
  constructor(
    readonly status: number,
    readonly url: string,
    detail: string,
  ) {
    super(`ledger ${url} answered ${status}: ${detail}`);
  }
}

export class LedgerClient {
  constructor(private readonly options: LedgerClientOptions) {}

  /** The block at `height`, or null when the node says 404 (above its tip, or lagging). */
  async getBlock(height: number, signal?: AbortSignal): Promise<LedgerBlock | null> {
    const body = await this.getJson(`blocks/${height}`, signal);
    if (body === null) return null;
    const parsed = BlockBody.safeParse(body);
    if (!parsed.success || parsed.data.height !== height) {
      throw new LedgerHttpError(200, `blocks/${height}`, `not a block of height ${height}`);
    }
    this.options.metrics?.catchupBlocks.inc();
    return parsed.data;
  }

  /**
   * The transaction with this id. A 404 is retried for up to `lagToleranceMs` because a node's
   * index may lag its stream (the frame can arrive before GET /transactions/{id} finds the tx).
   */
  async getTransaction(id: string, lagToleranceMs: number, signal?: AbortSignal): Promise<unknown> {
    const deadline = Date.now() + lagToleranceMs;
    const onRetry = (): void => this.options.metrics?.ledgerRetries.inc(1, { reason: 'not-found' });
    return retry({ policy: this.options.retry, signal, onRetry }, async () => {
      const body = await this.getJson(`transactions/${encodeURIComponent(id)}`, signal);
      if (body !== null || Date.now() >= deadline) return body;
      return new RetryLater('not found', 0, Math.max(0, deadline - Date.now()));
    });
  }

  /** The advertised WebSocket URL from the API index (GET /api/v1/ -> "streams"). */
  async discoverStreamsUrl(signal?: AbortSignal): Promise<string> {
    const body = await this.getJson('', signal);
    const parsed = ApiIndexBody.safeParse(body);
    if (!parsed.success || !parsed.data.streams)
      throw new LedgerHttpError(200, this.options.apiUrl, 'the API index has no "streams" URL; set LEDGER_WS_URL');
    return parsed.data.streams;
  }

  /** Heights of blocks containing the transaction (GET /blocks?transaction_id=). */
  async blockHeightsOf(transactionId: string, signal?: AbortSignal): Promise<number[]> {
    const body = await this.getJson(`blocks?transaction_id=${encodeURIComponent(transactionId)}`, signal);
    return body === null ? [] : HeightList.parse(body);
  }

  /** Every transaction of an asset, CREATE first (GET /transactions?asset_id=). */
  async assetTransactions(assetId: string, signal?: AbortSignal): Promise<unknown[]> {
    const body = await this.getJson(`transactions?asset_id=${encodeURIComponent(assetId)}`, signal);
    return body === null ? [] : TxList.parse(body);
  }

  /**
   * Highest existing height, found with GET /blocks/{h} alone (the API has no "latest" call):
   * grow a probe exponentially until 404, then bisect. Returns -1 when the node has no block.
   */
  async findTipHeight(signal?: AbortSignal): Promise<number> {
    if ((await this.getBlockExists(0, signal)) === false) {
      if ((await this.getBlockExists(1, signal)) === false) return -1;
    }
    let low = 0;
    let high = 1;
    while (await this.getBlockExists(high, signal)) {
      low = high;
      high *= 2;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await this.getBlockExists(mid, signal)) low = mid;
      else high = mid;
    }
    return low;
  }

  private async getBlockExists(height: number, signal?: AbortSignal): Promise<boolean> {
    return (await this.getJson(`blocks/${height}`, signal)) !== null;
  }

  /** GET with retries on transient failures; null on 404; throws LedgerHttpError on other 4xx. */
  private async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(path, this.options.apiUrl).toString();
    const onRetry = ({ attempt, delayMs, problem }: RetryNotice): void => {
      this.options.metrics?.ledgerRetries.inc(1, { reason: 'transient' });
      this.options.logger.warn('ledger read failed; retrying', { url, attempt, delayMs, problem });
    };
    return retry({ policy: this.options.retry, signal, onRetry }, async () => {
      const request = requestSignal(signal, this.options.requestTimeoutMs);
      try {
        const response = await fetch(url, { headers: { accept: 'application/json' }, signal: request.signal });
        if (response.status === 404) {
          await response.body?.cancel();
          return null;
        }
        if (response.ok) return await response.json();
        const text = (await response.text()).slice(0, 200);
        if (response.status < 500 && response.status !== 408 && response.status !== 429)
          throw new LedgerHttpError(response.status, url, text);
        return new RetryLater(`HTTP ${response.status}`);
      } catch (error) {
        if (error instanceof LedgerHttpError) throw error;
        if (signal?.aborted) throw new AbortedError();
        return new RetryLater(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      } finally {
        request.dispose();
      }
    });
  }
}
