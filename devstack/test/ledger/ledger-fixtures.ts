// Shared helpers for the ledger node tests: the real BigchainDB 2.2.2 vectors (copied into the repo under
// bigchaindb/test/fixtures), key pairs, transaction makers and a raw HTTP helper.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bigchaindb from '@lease-premium/bigchaindb';
import nacl from 'tweetnacl';
import { startLedgerNode, type LedgerNode, type LedgerNodeOptions } from '../../src/ledger';

export const FIXTURES = join(__dirname, '..', '..', '..', 'bigchaindb', 'test', 'fixtures');
export const vectorText = (name: string): string => readFileSync(join(FIXTURES, 'vectors', name), 'utf8');
export const vector = <T = Record<string, unknown>>(name: string): T => JSON.parse(vectorText(name)) as T;
export const sampleText = (name: string): string => readFileSync(join(FIXTURES, 'http-samples', name), 'utf8');

export type Tx = bigchaindb.Transaction;
export const keys = vector<{ keypairs: { private_key: string; public_key: string }[] }>('keys.json').keypairs as [
  { private_key: string; public_key: string },
  { private_key: string; public_key: string },
  { private_key: string; public_key: string },
];
export const [ALICE, BOB, CAROL] = keys;

export const CREATE_VECTOR = vector<Tx>('tx-create-hello-bigchaindb.json');
export const TRANSFER1_VECTOR = vector<Tx>('tx-transfer-seq1.json');
export const TRANSFER2_VECTOR = vector<Tx>('tx-transfer-seq2.json');

export function startTestNode(options: LedgerNodeOptions = {}): Promise<LedgerNode> {
  return startLedgerNode({ httpPort: 0, wsPort: 0, blockIntervalMs: 0, logLevel: 'silent', ...options });
}

export function output(publicKeys: string[], amount = '1'): bigchaindb.Output {
  const details = bigchaindb.conditionDetailsFor(publicKeys);
  return {
    public_keys: publicKeys,
    condition: { details, uri: bigchaindb.conditionFromDetails(details).serializeUri() },
    amount,
  };
}

let counter = 0;
/** A signed CREATE by `issuer` with the given outputs (default: one output of 1 to the issuer). */
export function makeCreate(
  issuer: { private_key: string; public_key: string },
  options: {
    outputs?: bigchaindb.Output[];
    data?: Record<string, unknown> | null;
    metadata?: Record<string, unknown> | null;
  } = {},
): Tx {
  return bigchaindb.signTransaction(
    {
      inputs: [{ owners_before: [issuer.public_key], fulfills: null, fulfillment: null }],
      outputs: options.outputs ?? [output([issuer.public_key])],
      operation: 'CREATE',
      metadata: options.metadata === undefined ? { n: counter } : options.metadata,
      asset: { data: options.data === undefined ? { test: 'ledger', n: counter++ } : options.data },
      version: '2.0',
    },
    [issuer.private_key],
  );
}

/** A signed TRANSFER spending `spent` (tx, output index) pairs, signed with `signers`. */
export function makeTransfer(
  spent: { tx: Tx; index: number }[],
  outputs: bigchaindb.Output[],
  signers: string[],
  options: { assetId?: string; metadata?: Record<string, unknown> | null } = {},
): Tx {
  const first = spent[0]!.tx;
  const assetId = options.assetId ?? (first.operation === 'CREATE' ? first.id! : (first.asset as { id: string }).id);
  const byId = new Map(spent.map((s) => [s.tx.id, s.tx]));
  return bigchaindb.signTransaction(
    {
      inputs: spent.map((s) => ({
        owners_before: s.tx.outputs[s.index]!.public_keys,
        fulfills: { transaction_id: s.tx.id!, output_index: s.index },
        fulfillment: null,
      })),
      outputs,
      operation: 'TRANSFER',
      metadata: options.metadata === undefined ? { n: counter++ } : options.metadata,
      asset: { id: assetId },
      version: '2.0',
    },
    signers,
    (input) =>
      input.fulfills ? byId.get(input.fulfills.transaction_id)?.outputs[input.fulfills.output_index] : undefined,
  );
}

/** Recomputes the id after a deliberate edit, so the edit reaches the checks after the id hash. */
export function withId<T extends Record<string, unknown>>(tx: T): T {
  return { ...tx, id: bigchaindb.computeTransactionId(tx as unknown as bigchaindb.UnsignedTransaction) };
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

export async function http(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const res = await fetch(url, init);
  return { status: res.status, statusText: res.statusText, headers: res.headers, text: await res.text() };
}

export function post(node: LedgerNode, body: unknown, mode?: 'async' | 'sync' | 'commit'): Promise<RawResponse> {
  return http(`${node.apiUrl}transactions${mode ? `?mode=${mode}` : ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The JSON body of a 400 `make_error` for the given message, byte for byte. */
export const error400 = (message: string): string => `${JSON.stringify({ message, status: 400 })}\n`;

export function randomKeypair(): { private_key: string; public_key: string } {
  const pair = nacl.sign.keyPair();
  return {
    private_key: bigchaindb.encodeBase58(pair.secretKey.subarray(0, 32)),
    public_key: bigchaindb.encodeBase58(pair.publicKey),
  };
}

/** Polls `condition` every 5 ms for up to `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
