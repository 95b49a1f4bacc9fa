// BigchainDB 2.2.2 hands a valid transaction to Tendermint 0.31.5 as a JSON-RPC request:
//   {"method": "broadcast_tx_<mode>", "jsonrpc": "2.0", "params": ["<base64>"], "id": "<uuid4>"}
// where <base64> encodes Python's json.dumps of the posted transaction (its key order, ", " and
// ": " separators, ASCII escapes), and requests writes the envelope with the same json.dumps
// (bigchaindb/lib.py post_transaction, tendermint_utils.py encode_transaction:
// https://github.com/bigchaindb/bigchaindb/blob/v2.2.2/bigchaindb/lib.py).
// Tendermint's RPC server reads at most 1,000,000 body bytes (http.MaxBytesReader; rpc/lib/server/
// http_server.go maxBodyBytes: https://github.com/tendermint/tendermint/blob/v0.31.5/rpc/lib/server/http_server.go)
// and answers a JSON-RPC "Invalid Request" error with data "Error reading request body: http:
// request body too large"; BigchainDB turns a JSON-RPC error into 500 "<message> - <data>".
import { pythonJsonDumps } from './python-json';

const MAX_RPC_BODY_BYTES = 1_000_000;
const UUID4_CHARS = 36;
const RPC_METHODS = { async: 'broadcast_tx_async', sync: 'broadcast_tx_sync', commit: 'broadcast_tx_commit' } as const;

export type BroadcastMode = keyof typeof RPC_METHODS;

export const RPC_BODY_TOO_LARGE = 'Invalid Request - Error reading request body: http: request body too large';

/** Bytes of the JSON-RPC body around the base64 text (all ASCII, so characters are bytes). */
function envelopeBytes(mode: BroadcastMode): number {
  return `{"method": "${RPC_METHODS[mode]}", "jsonrpc": "2.0", "params": [""], "id": "${'0'.repeat(UUID4_CHARS)}"}`
    .length;
}

/** The longest json.dumps text of a transaction that still fits: 749,916 characters (async, sync), 749,913 (commit). */
export function maxTransactionTextLength(mode: BroadcastMode): number {
  return Math.floor((MAX_RPC_BODY_BYTES - envelopeBytes(mode)) / 4) * 3;
}

/**
 * Whether Tendermint would refuse the JSON-RPC body carrying this posted transaction. `postedBytes`
 * (the HTTP body's size) spares the encoding for all but large bodies: json.dumps writes at most
 * six characters per body byte (a raw DEL byte becomes the escape \u007f).
 */
export function exceedsTendermintBodyLimit(posted: unknown, postedBytes: number, mode: BroadcastMode): boolean {
  const max = maxTransactionTextLength(mode);
  if (postedBytes * 6 <= max) return false;
  return pythonJsonDumps(posted).length > max;
}
