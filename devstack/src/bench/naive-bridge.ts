// The naive bridge, the baseline of the end-to-end benchmark: written the way the simplest tutorials
// connect a BigchainDB event stream to a webhook, but correct. For each WebSocket message, in turn:
// fetch the transaction, fetch the car's CREATE and the spent transaction, verify the signatures,
// POST one signed CloudEvent to the Function App and wait for its answer. No batching, no
// concurrency, no caching, no catch-up (it only sees what arrives while it is connected).
//
//   LEDGER_API_URL=... LEDGER_WS_URL=... WEBHOOK_URL=... WEBHOOK_FUNCTION_KEY=... WEBHOOK_SECRETS=... \
//   LEASING_COMPANY_PUBLIC_KEYS=... node devstack/dist/bench/naive-bridge.js
//
// Prints JSON lines: {"msg":"ready"} once connected, then {"msg":"progress",...} counts.
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { z } from 'zod';
import * as bigchaindb from '@lease-premium/bigchaindb';
import {
  EVENT_DATA_SCHEMA,
  EVENT_SPEC_VERSION,
  OWNERSHIP_CHANGED_TYPE,
  STRUCTURED_CONTENT_TYPE,
  VEHICLE_REGISTERED_TYPE,
  WebhookResponse,
  WebhookSigner,
  classifyLeaseMetadata,
  classifyVehicleAsset,
  parseWebhookSecrets,
  type OwnershipEvent,
  type VehicleAsset,
} from '@lease-premium/events';

export interface NaiveBridgeConfig {
  ledgerApiUrl: string;
  ledgerWsUrl: string;
  webhookUrl: string;
  functionKey: string | undefined;
  secrets: string[];
  trustedIssuers: ReadonlySet<string>;
  source: string;
}

export interface NaiveBridgeCounts {
  delivered: number;
  skipped: number;
  failed: number;
}

/** Reads the same settings the WebJob reads (names per the project's contract), once. */
export function naiveBridgeConfig(env: NodeJS.ProcessEnv): NaiveBridgeConfig {
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} is required by the naive bridge`);
    return value;
  };
  const apiUrl = required('LEDGER_API_URL');
  return {
    ledgerApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    ledgerWsUrl: required('LEDGER_WS_URL'),
    webhookUrl: required('WEBHOOK_URL'),
    functionKey: env.WEBHOOK_FUNCTION_KEY?.trim() || undefined,
    secrets: parseWebhookSecrets(required('WEBHOOK_SECRETS')),
    trustedIssuers: new Set(
      required('LEASING_COMPANY_PUBLIC_KEYS')
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
    source: env.LEDGER_SOURCE?.trim() || 'bigchaindb://local',
  };
}

const Frame = z.object({ height: z.int().min(0), asset_id: z.string(), transaction_id: z.string() });
type Frame = z.infer<typeof Frame>;

export class NaiveBridge {
  readonly counts: NaiveBridgeCounts = { delivered: 0, skipped: 0, failed: 0 };
  private socket: WebSocket | undefined;
  private readonly queue: Frame[] = [];
  private wake: (() => void) | undefined;
  private stopped = false;
  private worker: Promise<void> | undefined;
  private readonly signer: WebhookSigner;
  /** Position in the current block: frames of one block arrive in block order. */
  private block = { height: -1, next: 0 };

  constructor(private readonly config: NaiveBridgeConfig) {
    this.signer = new WebhookSigner(config.secrets);
  }

  /** Connects to the event stream; resolves once the socket is open. */
  async start(): Promise<void> {
    const socket = (this.socket = new WebSocket(this.config.ledgerWsUrl));
    socket.on('message', (data: Buffer) => {
      let json: unknown;
      try {
        json = JSON.parse(data.toString('utf8'));
      } catch {
        return; // not a frame of the event stream
      }
      const frame = Frame.safeParse(json);
      if (!frame.success) return;
      this.queue.push(frame.data);
      this.wake?.();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.worker = this.work();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.socket?.close();
    this.wake?.();
    await this.worker;
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const frame = this.queue.shift();
      if (!frame) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (frame.height !== this.block.height) this.block = { height: frame.height, next: 0 };
      const indexInBlock = this.block.next++;
      try {
        const event = await this.toEvent(frame, indexInBlock);
        if (!event) this.counts.skipped += 1;
        else if (await this.deliver(event)) this.counts.delivered += 1;
        else this.counts.failed += 1;
      } catch (error) {
        this.counts.failed += 1;
        process.stderr.write(
          `${JSON.stringify({ msg: 'event failed', transactionId: frame.transaction_id, error: (error as Error).message })}\n`,
        );
      }
    }
  }

  private async getTransaction(id: string): Promise<bigchaindb.Transaction> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.config.ledgerApiUrl}transactions/${id}`);
      if (response.ok) return bigchaindb.Transaction.parse(await response.json());
      await response.arrayBuffer();
      // Right after a commit the node's index may still lag: a 404 is retried a few times.
      if (attempt >= 20 || (response.status !== 404 && response.status < 500))
        throw new Error(`GET transactions/${id}: HTTP ${response.status}`);
      await sleep(100);
    }
  }

  /** The car of a CREATE we trust (signed by a trusted issuer), or undefined. */
  private trustedCar(create: bigchaindb.Transaction): { vehicle: VehicleAsset; issuer: string } | undefined {
    if (create.operation !== 'CREATE' || !('data' in create.asset)) return undefined;
    const car = classifyVehicleAsset(create.asset.data);
    if (car.kind !== 'vehicle') return undefined;
    const verified = bigchaindb.verifyTransaction(create);
    const issuer = verified.ok ? verified.signers.flat().find((key) => this.config.trustedIssuers.has(key)) : undefined;
    return issuer ? { vehicle: car.vehicle, issuer } : undefined;
  }

  private async toEvent(frame: Frame, indexInBlock: number): Promise<OwnershipEvent | undefined> {
    const tx = await this.getTransaction(frame.transaction_id);
    const isCreate = tx.operation === 'CREATE';
    if (!isCreate && tx.operation !== 'TRANSFER') return undefined;
    const assetId = bigchaindb.assetIdOf(tx);
    const car = this.trustedCar(isCreate ? tx : await this.getTransaction(assetId));
    if (!car) return undefined;
    let lease = null;
    if (!isCreate) {
      const spent = new Map<string, bigchaindb.Transaction>();
      for (const input of tx.inputs)
        if (input.fulfills)
          spent.set(input.fulfills.transaction_id, await this.getTransaction(input.fulfills.transaction_id));
      const verified = bigchaindb.verifyTransaction(tx, (input) =>
        input.fulfills ? spent.get(input.fulfills.transaction_id)?.outputs[input.fulfills.output_index] : undefined,
      );
      if (!verified.ok) throw new Error(`transaction ${tx.id} does not verify: ${verified.reason}`);
      const metadata = classifyLeaseMetadata(tx.metadata);
      if (metadata.kind === 'malformed') throw new Error(`transaction ${tx.id} has malformed lease metadata`);
      lease = metadata.kind === 'lease' ? metadata.lease : null;
    }
    const observedAt = new Date().toISOString();
    const id = tx.id as string;
    return {
      specversion: EVENT_SPEC_VERSION,
      id,
      source: this.config.source,
      type: isCreate ? VEHICLE_REGISTERED_TYPE : OWNERSHIP_CHANGED_TYPE,
      subject: assetId,
      time: observedAt,
      datacontenttype: 'application/json',
      dataschema: EVENT_DATA_SCHEMA,
      data: {
        ledger: {
          transactionId: id,
          assetId,
          blockHeight: frame.height,
          indexInBlock,
          operation: isCreate ? 'CREATE' : 'TRANSFER',
          spends: tx.inputs.flatMap((input) =>
            input.fulfills
              ? [{ transactionId: input.fulfills.transaction_id, outputIndex: input.fulfills.output_index }]
              : [],
          ),
        },
        vehicle: car.vehicle,
        previousOwners: [...new Set(tx.inputs.flatMap((input) => input.owners_before))],
        newOwners: [...new Set(tx.outputs.flatMap((output) => output.public_keys))],
        issuer: car.issuer,
        lease,
        signaturesVerified: true,
        observedAt,
      },
    };
  }

  /** One POST per event; retried (re-signed) on 5xx / 408 / 429 / network errors. True when stored. */
  private async deliver(event: OwnershipEvent): Promise<boolean> {
    const body = JSON.stringify(event);
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        const headers: Record<string, string> = {
          'content-type': STRUCTURED_CONTENT_TYPE,
          ...this.signer.sign(event.id, body),
        };
        if (this.config.functionKey) headers['x-functions-key'] = this.config.functionKey;
        const response = await fetch(this.config.webhookUrl, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status === 200) {
          const answer = WebhookResponse.safeParse(JSON.parse(text));
          const outcome = answer.success ? answer.data.results[0]?.outcome : undefined;
          return outcome !== undefined && outcome !== 'rejected';
        }
        if (response.status < 500 && response.status !== 408 && response.status !== 429) {
          process.stderr.write(
            `${JSON.stringify({ msg: 'event refused', transactionId: event.id, status: response.status, body: text.slice(0, 300) })}\n`,
          );
          return false;
        }
      } catch {
        // Network error or timeout: retry.
      }
      await sleep(500);
    }
    return false;
  }
}

async function main(): Promise<void> {
  const bridge = new NaiveBridge(naiveBridgeConfig(process.env));
  await bridge.start();
  const print = (msg: string): void => void process.stdout.write(`${JSON.stringify({ msg, ...bridge.counts })}\n`);
  print('ready');
  let last = '';
  const progress = setInterval(() => {
    const now = JSON.stringify(bridge.counts);
    if (now !== last) print('progress');
    last = now;
  }, 200);
  const stop = (): void => {
    clearInterval(progress);
    void bridge.stop().then(() => {
      print('stopped');
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
