// Offers pre-signed transactions to the ledger node (POST /transactions?mode=async): as fast as it
// takes them (concurrent clients, one round of hand-overs at a time so each spends a committed
// output), or paced at a fixed rate. Watches the node's admin status to know what is committed.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PreparedTx } from './workload';

interface HttpAnswer {
  status: number;
  body: string;
}

export class LedgerLoad {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });

  constructor(
    private readonly apiUrl: string,
    private readonly adminUrl: string,
  ) {}

  close(): void {
    this.agent.destroy();
  }

  private call(method: string, url: string, body?: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          timeout: 60_000,
          headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within 60 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Committed transactions on the node (its admin status). */
  async committedCount(): Promise<{ transactions: number; height: number }> {
    const answer = await this.call('GET', `${this.adminUrl}/status`);
    if (answer.status !== 200) throw new Error(`GET ${this.adminUrl}/status answered ${answer.status}`);
    const status = JSON.parse(answer.body) as { transactions: number; height: number };
    return { transactions: status.transactions, height: status.height };
  }

  /** Resolves once the node holds at least `total` committed transactions. */
  async waitCommitted(total: number, timeoutMs: number): Promise<{ transactions: number; height: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.committedCount();
      if (status.transactions >= total) return status;
      if (Date.now() > deadline)
        throw new Error(`ledger committed ${status.transactions} of ${total} transactions within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /**
   * Posts one transaction. The spent output may still be in the mempool when a paced hand-over
   * follows its predecessor closely: the node then answers InputDoesNotExist, so retry shortly.
   */
  async post(tx: PreparedTx): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.call('POST', `${this.apiUrl}transactions?mode=async`, tx.body);
      if (answer.status === 202) return;
      if (answer.status === 400 && answer.body.includes('InputDoesNotExist') && attempt < 100) {
        await sleep(50);
        continue;
      }
      throw new Error(`POST transaction ${tx.id} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    }
  }

  /** Posts everything with `concurrency` clients as fast as the node accepts. */
  async postAll(txs: readonly PreparedTx[], concurrency: number): Promise<void> {
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < txs.length) await this.post(txs[next++] as PreparedTx);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, txs.length) }, client));
  }

  /**
   * Posts hand-overs in rounds (each car once per round) at full speed, waiting for a round to be
   * committed before the next, whose transactions spend its outputs. `committedBefore` is the
   * node's committed count before the first one.
   */
  async postRounds(
    txs: readonly PreparedTx[],
    firstIndex: number,
    fleet: number,
    committedBefore: number,
    concurrency: number,
  ): Promise<void> {
    let offset = 0;
    while (offset < txs.length) {
      // The rest of the round the first transaction belongs to.
      const roundEnd = Math.min(txs.length, offset + fleet - ((firstIndex + offset) % fleet));
      await this.postAll(txs.slice(offset, roundEnd), concurrency);
      offset = roundEnd;
      if (offset < txs.length) await this.waitCommitted(committedBefore + offset, 120_000);
    }
  }

  /** Posts at `perSecond` on a fixed schedule (open loop: a slow answer does not delay later sends). */
  async postPaced(txs: readonly PreparedTx[], perSecond: number): Promise<{ lateMs: number }> {
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    let lateMs = 0;
    let failure: Error | undefined;
    for (let i = 0; i < txs.length && failure === undefined; i++) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      else lateMs = Math.max(lateMs, -wait);
      const sending: Promise<void> = this.post(txs[i] as PreparedTx)
        .catch((error: unknown) => {
          failure ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size > 512) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    return { lateMs };
  }
}
