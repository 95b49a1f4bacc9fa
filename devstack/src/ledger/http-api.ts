// The BigchainDB 2.2.2 HTTP API (bigchaindb/web/routes.py and views/*): routes, parameters, bodies, messages.
import type { BlockProducer } from './block-producer';
import type { ChainStore } from './chain-store';
import type { LedgerFaults } from './faults';
import { BAD_REQUEST_BODY, INTERNAL_SERVER_ERROR, json, makeError, type HttpReply } from './http-responses';
import { toNodeDict } from './node-transaction';
import { flaskJsonify, restfulJson } from './python-json';
import {
  parseArgs,
  pythonInt,
  pythonStr,
  validBool,
  validEd25519,
  validMode,
  validOperation,
  validTxid,
} from './query-params';
import type { TransactionSchemaValidator } from './schema-validator';
import type { SignatureVerifier } from './signature-verifier';
import { exceedsTendermintBodyLimit, RPC_BODY_TOO_LARGE } from './tendermint-body-limit';
import { decodeTransaction, validateAgainstChain, type Rejection } from './validation';

export const SERVER_VERSION = '2.2.2';
const DOCS = `https://docs.bigchaindb.com/projects/server/en/v${SERVER_VERSION}/`;

/** How long mode=commit waits for its block (Tendermint's timeout_broadcast_tx_commit). */
export const COMMIT_TIMEOUT_MS = 10_000;

export interface ApiContext {
  store: ChainStore;
  producer: BlockProducer;
  schema: TransactionSchemaValidator;
  verifier: SignatureVerifier;
  faults: LedgerFaults;
  /** The `streams` URL advertised in the API index. */
  streamUrl: () => string;
  /** The validator set GET /validators returns. */
  validators: unknown[];
}

export interface ApiRequest {
  params: string[];
  query: URLSearchParams;
  readBody: () => Promise<Buffer>;
}

type Handler = (ctx: ApiContext, req: ApiRequest) => HttpReply | Promise<HttpReply>;

export interface Route {
  pattern: RegExp;
  handlers: Partial<Record<'GET' | 'POST', Handler>>;
}

function apiV1Info(ctx: ApiContext, prefix: string): Record<string, string> {
  return {
    docs: `${DOCS}http-client-server-api.html`,
    transactions: `${prefix}transactions/`,
    blocks: `${prefix}blocks/`,
    assets: `${prefix}assets/`,
    outputs: `${prefix}outputs/`,
    streams: ctx.streamUrl(),
    metadata: `${prefix}metadata/`,
    validators: `${prefix}validators`,
  };
}

const jsonList = (items: readonly string[]): string => `[${items.join(', ')}]\n`;

function rejection(r: Rejection): HttpReply {
  return r.status === 500 ? INTERNAL_SERVER_ERROR() : makeError(400, r.message);
}

const NON_ASCII = /[\u007f-\uffff]/;

/**
 * The POST echo, flask.jsonify(tx): sorted keys, compact, ASCII escapes. For an all-ASCII transaction that is
 * exactly the canonical text the id check already built (ASCII keys sort the same by code unit and code point),
 * so it is reused; otherwise the body is encoded again with the escapes.
 */
function echoBody(canonicalText: string, body: unknown): string {
  return NON_ASCII.test(canonicalText) ? flaskJsonify(body) : `${canonicalText}\n`;
}

async function postTransaction(ctx: ApiContext, req: ApiRequest): Promise<HttpReply> {
  const args = parseArgs(req.query, { mode: { name: 'mode', convert: validMode } }, false);
  if (!args.ok) return json(400, args.body);
  const mode = args.values.mode ?? 'async';
  if (ctx.producer.failure) return INTERNAL_SERVER_ERROR();

  let body: unknown;
  let bodyBytes: number;
  try {
    const raw = await req.readBody();
    bodyBytes = raw.length;
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return BAD_REQUEST_BODY();
  }
  const decoded = await decodeTransaction(body, ctx.schema, ctx.verifier);
  if ('status' in decoded) return rejection(decoded);
  const refused = validateAgainstChain(decoded, ctx.store);
  if (refused) return rejection(refused);
  // Valid, so BigchainDB hands it to Tendermint, whose RPC server refuses the body above 1,000,000 bytes.
  if (exceedsTendermintBodyLimit(body, bodyBytes, mode)) return makeError(500, RPC_BODY_TOO_LARGE);
  if (ctx.producer.isPending(decoded.id)) return makeError(400, 'Internal error - Tx already exists in cache');

  const outcome = mode === 'commit' ? ctx.producer.outcome(decoded.id) : undefined;
  const fulfillments = decoded.signatures.map((s) => (s.kind === 'parsed' ? s.serialized : undefined));
  ctx.producer.submit({
    decoded,
    dict: toNodeDict(
      decoded.posted,
      fulfillments,
      decoded.outputs.map((o) => o.details),
    ),
  });
  const accepted = json(202, echoBody(decoded.canonicalText, body));
  if (!outcome) return accepted; // async returns before CheckTx; sync's CheckTx re-runs the checks just passed
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), COMMIT_TIMEOUT_MS)),
  );
  const result = await Promise.race([outcome, timeout]);
  clearTimeout(timer);
  if (result === 'committed') return accepted;
  if (result === 'timeout')
    return makeError(500, 'Internal error - Timed out waiting for tx to be included in a block');
  if (result === 'dropped') return makeError(500, 'Transaction validation failed');
  return INTERNAL_SERVER_ERROR();
}

function getTransaction(ctx: ApiContext, req: ApiRequest): HttpReply {
  const id = req.params[0] ?? '';
  const tx = ctx.faults.isHidden(id) ? undefined : ctx.store.transaction(id);
  return tx ? json(200, `${tx.body}\n`) : makeError(404);
}

function listTransactions(ctx: ApiContext, req: ApiRequest): HttpReply {
  const args = parseArgs(
    req.query,
    {
      operation: { name: 'operation', convert: validOperation },
      asset_id: { name: 'asset_id', convert: validTxid, required: true },
      last_tx: { name: 'last_tx', convert: validBool },
    },
    false,
  );
  if (!args.ok) return json(400, args.body);
  const { operation, asset_id, last_tx } = args.values;
  return json(
    200,
    jsonList(ctx.store.transactionsOfAsset(asset_id ?? '', operation, last_tx === true).map((t) => t.body)),
  );
}

function listOutputs(ctx: ApiContext, req: ApiRequest): HttpReply {
  const args = parseArgs(
    req.query,
    {
      public_key: { name: 'public_key', convert: validEd25519, required: true },
      spent: { name: 'spent', convert: validBool },
    },
    true,
  );
  if (!args.ok) return json(400, args.body);
  return json(200, restfulJson(ctx.store.outputsOf(args.values.public_key ?? '', args.values.spent)));
}

function textSearch(table: 'assets' | 'metadata'): Handler {
  return (ctx, req) => {
    const args = parseArgs(
      req.query,
      { search: { name: 'search', convert: pythonStr, required: true }, limit: { name: 'limit', convert: pythonInt } },
      false,
    );
    if (!args.ok) return json(400, args.body);
    if (!args.values.search) return makeError(400, 'text_search cannot be empty');
    const limit = Math.abs(args.values.limit ?? 0); // MongoDB treats a negative limit as its absolute value
    const found =
      table === 'assets'
        ? ctx.store.searchAssets(args.values.search, limit)
        : ctx.store.searchMetadata(args.values.search, limit);
    return json(200, jsonList(found));
  };
}

function getBlock(ctx: ApiContext, req: ApiRequest): HttpReply {
  const height = Number(req.params[0]);
  const block = ctx.store.block(height);
  if (!block || !Number.isSafeInteger(height)) return makeError(404);
  const bodies = block.transactionIds.map((id) => ctx.store.transaction(id)?.body ?? 'null');
  return json(200, `{"height": ${height}, "transactions": [${bodies.join(', ')}]}\n`);
}

function blocksOfTransaction(ctx: ApiContext, req: ApiRequest): HttpReply {
  const args = parseArgs(
    req.query,
    { transaction_id: { name: 'transaction_id', convert: pythonStr, required: true } },
    true,
  );
  if (!args.ok) return json(400, args.body);
  return json(200, restfulJson(ctx.store.blocksContaining(args.values.transaction_id ?? '')));
}

export const ROUTES: Route[] = [
  {
    pattern: /^\/$/,
    handlers: {
      GET: (ctx) =>
        json(
          200,
          flaskJsonify({
            api: { v1: apiV1Info(ctx, '/api/v1/') },
            docs: DOCS,
            software: 'BigchainDB',
            version: SERVER_VERSION,
          }),
        ),
    },
  },
  { pattern: /^\/api\/v1\/?$/, handlers: { GET: (ctx) => json(200, flaskJsonify(apiV1Info(ctx, '/'))) } },
  { pattern: /^\/api\/v1\/transactions\/?$/, handlers: { GET: listTransactions, POST: postTransaction } },
  { pattern: /^\/api\/v1\/transactions\/([^/]+)$/, handlers: { GET: getTransaction } },
  { pattern: /^\/api\/v1\/outputs\/?$/, handlers: { GET: listOutputs } },
  { pattern: /^\/api\/v1\/assets\/?$/, handlers: { GET: textSearch('assets') } },
  { pattern: /^\/api\/v1\/metadata\/?$/, handlers: { GET: textSearch('metadata') } },
  { pattern: /^\/api\/v1\/blocks\/?$/, handlers: { GET: blocksOfTransaction } },
  { pattern: /^\/api\/v1\/blocks\/(\d+)$/, handlers: { GET: getBlock } },
  { pattern: /^\/api\/v1\/validators\/?$/, handlers: { GET: (ctx) => json(200, restfulJson(ctx.validators)) } },
];
