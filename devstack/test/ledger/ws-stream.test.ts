// The WebSocket event stream: frame format (v2 and v1), block order, no replay, pings, ignored client messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { LedgerNode } from '../../src/ledger';
import {
  ALICE,
  BOB,
  CREATE_VECTOR,
  FIXTURES,
  http,
  makeCreate,
  makeTransfer,
  output,
  post,
  startTestNode,
  waitFor,
} from './ledger-fixtures';

async function subscribe(url: string): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

function closed(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => ws.once('close', () => resolve()));
}

describe('ledger node WebSocket stream', () => {
  let node: LedgerNode;
  afterEach(() => node.stop());

  test('v2: the frame for the sample block 1 is exactly what eventify_block + json.dumps produce', async () => {
    node = await startTestNode();
    const { ws, frames } = await subscribe(node.streamUrl);
    expect((await post(node, CREATE_VECTOR, 'commit')).status).toBe(202);
    await waitFor(() => frames.length === 1);
    expect(frames[0]).toBe(
      readFileSync(join(FIXTURES, 'derived', 'ws-event-v2-for-block-height-1.jsonl'), 'utf8').trim(),
    );
    ws.close();
    await closed(ws);
  });

  test('v2: one frame per transaction in block order across blocks; TRANSFER frames carry the asset id', async () => {
    node = await startTestNode({ blockIntervalMs: 60_000 });
    const { ws, frames } = await subscribe(node.streamUrl);
    const creates = [makeCreate(ALICE), makeCreate(ALICE), makeCreate(ALICE)];
    for (const tx of creates) expect((await post(node, tx, 'async')).status).toBe(202);
    node.commitNow(); // block 1: three CREATEs
    const transfers = creates.map((c) =>
      makeTransfer([{ tx: c, index: 0 }], [output([BOB.public_key])], [ALICE.private_key]),
    );
    for (const tx of transfers.slice(0, 2)) expect((await post(node, tx, 'async')).status).toBe(202);
    node.commitNow(); // block 2
    node.commitNow(); // an empty block 3: no frames
    expect((await post(node, transfers[2]!, 'async')).status).toBe(202);
    node.commitNow(); // block 4
    await waitFor(() => frames.length === 6);
    const parsed = frames.map((f) => JSON.parse(f) as { height: number; asset_id: string; transaction_id: string });
    expect(parsed).toEqual([
      ...creates.map((c) => ({ height: 1, asset_id: c.id, transaction_id: c.id })),
      { height: 2, asset_id: creates[0]!.id, transaction_id: transfers[0]!.id },
      { height: 2, asset_id: creates[1]!.id, transaction_id: transfers[1]!.id },
      { height: 4, asset_id: creates[2]!.id, transaction_id: transfers[2]!.id },
    ]);
    expect(Object.keys(parsed[0]!)).toEqual(['height', 'asset_id', 'transaction_id']);
    expect(frames[0]).toMatch(/^\{"height": 1, "asset_id": "[0-9a-f]{64}", "transaction_id": "[0-9a-f]{64}"\}$/);
    expect((await http(`${node.apiUrl}blocks/3`)).text).toBe('{"height": 3, "transactions": []}\n');
    ws.close();
    await closed(ws);
  });

  test('v1: block_id instead of height, one id per block', async () => {
    node = await startTestNode({ wsFormat: 'v1', blockIntervalMs: 60_000 });
    const { ws, frames } = await subscribe(node.streamUrl);
    for (const tx of [makeCreate(ALICE), makeCreate(ALICE)]) expect((await post(node, tx, 'async')).status).toBe(202);
    node.commitNow();
    expect((await post(node, makeCreate(ALICE), 'async')).status).toBe(202);
    node.commitNow();
    await waitFor(() => frames.length === 3);
    const parsed = frames.map((f) => JSON.parse(f) as { block_id: string; asset_id: string; transaction_id: string });
    expect(Object.keys(parsed[0]!)).toEqual(['block_id', 'asset_id', 'transaction_id']);
    expect(parsed[0]!.block_id).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed[1]!.block_id).toBe(parsed[0]!.block_id);
    expect(parsed[2]!.block_id).not.toBe(parsed[0]!.block_id);
    ws.close();
    await closed(ws);
  });

  test('no replay: a socket opened after a commit never sees it; client messages are ignored; pings are answered', async () => {
    node = await startTestNode();
    const early = makeCreate(ALICE);
    expect((await post(node, early, 'commit')).status).toBe(202);
    const { ws, frames } = await subscribe(node.streamUrl);
    ws.send('{"subscribe": "everything"}');
    ws.send('garbage');
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping(Buffer.from('are you there'));
    expect((await pong).toString()).toBe('are you there');
    const late = makeCreate(ALICE);
    expect((await post(node, late, 'commit')).status).toBe(202);
    await waitFor(() => frames.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(frames.map((f) => (JSON.parse(f) as { transaction_id: string }).transaction_id)).toEqual([late.id]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    await closed(ws);
  });

  test('other paths are 404 on upgrade; a plain GET of the endpoint is 400', async () => {
    node = await startTestNode();
    const wrong = new WebSocket(node.streamUrl.replace('valid_transactions', 'nope'));
    wrong.on('error', () => undefined); // terminate() below reports "closed before established"
    const status = await new Promise<number>((resolve) =>
      wrong.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(404);
    wrong.terminate();
    const plain = await http(node.streamUrl.replace('ws://', 'http://'));
    expect(plain.status).toBe(400);
  });
});
