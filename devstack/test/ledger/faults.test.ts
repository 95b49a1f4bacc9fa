// Fault injection, programmatic and over the --admin HTTP endpoint.
import WebSocket from 'ws';
import type { LedgerNode } from '../../src/ledger';
import { ALICE, http, makeCreate, post, startTestNode, waitFor } from './ledger-fixtures';

function connect(url: string): Promise<{ ws: WebSocket; frames: string[]; closeCode: Promise<number> }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d: Buffer) => frames.push(d.toString()));
  const closeCode = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closeCode }));
    ws.once('error', reject);
  });
}

function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
  });
}

const admin = (node: LedgerNode, action: string, query = ''): Promise<{ status: number; text: string }> =>
  http(`${node.adminUrl}/faults/${action}${query}`, { method: 'POST' });

describe('ledger node faults', () => {
  let node: LedgerNode;
  beforeEach(async () => (node = await startTestNode({ admin: true })));
  afterEach(() => node.stop());

  test('dropWebSockets cuts every socket without a close frame (1006)', async () => {
    const a = await connect(node.streamUrl);
    const b = await connect(node.streamUrl);
    expect(node.faults.dropWebSockets()).toBe(2);
    expect(await a.closeCode).toBe(1006);
    expect(await b.closeCode).toBe(1006);
    const c = await connect(node.streamUrl);
    expect(JSON.parse((await admin(node, 'drop-websockets')).text)).toEqual({ dropped: 1 });
    expect(await c.closeCode).toBe(1006);
  });

  test('refuseWebSockets answers 503 to new connections for N seconds, then accepts again', async () => {
    node.faults.refuseWebSockets(0.3);
    expect(await upgradeStatus(node.streamUrl)).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect(await upgradeStatus(node.streamUrl)).toBe(101);
    expect((await admin(node, 'refuse-websockets', '?seconds=5')).status).toBe(200);
    expect(await upgradeStatus(node.streamUrl)).toBe(503);
  });

  test('stallStream: blocks keep committing, subscribers miss those events, then frames flow again', async () => {
    const sub = await connect(node.streamUrl);
    node.faults.stallStream();
    const missed = makeCreate(ALICE);
    expect((await post(node, missed, 'commit')).status).toBe(202);
    expect(node.height()).toBe(1);
    node.faults.clear();
    const seen = makeCreate(ALICE);
    expect((await post(node, seen, 'commit')).status).toBe(202);
    await waitFor(() => sub.frames.length === 1);
    expect(JSON.parse(sub.frames[0]!)).toMatchObject({ height: 2, transaction_id: seen.id });
    sub.ws.close();
    expect((await admin(node, 'stall-stream', '?seconds=1')).status).toBe(200);
    expect(node.faults.streamStalled()).toBe(true);
  });

  test('delayHttp delays every API response; the admin endpoint is not delayed', async () => {
    node.faults.delayHttp(300);
    let started = Date.now();
    expect((await http(node.apiUrl)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    expect((await http(`${node.adminUrl}/faults`)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(250);
    expect((await admin(node, 'clear')).status).toBe(200);
    started = Date.now();
    await http(node.apiUrl);
    expect(Date.now() - started).toBeLessThan(250);
    expect(JSON.parse((await admin(node, 'delay-http', '?ms=50&seconds=10')).text)).toMatchObject({
      delayHttp: { ms: 50 },
    });
  });

  test('unavailable answers 503 SERVICE UNAVAILABLE for N seconds', async () => {
    expect((await admin(node, 'unavailable', '?seconds=0.3')).status).toBe(200);
    const res = await http(`${node.apiUrl}transactions/${'a'.repeat(64)}`);
    expect(`${res.status} ${res.statusText}`).toBe('503 SERVICE UNAVAILABLE');
    expect((await post(node, makeCreate(ALICE))).status).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect((await http(node.apiUrl)).status).toBe(200);
  });

  test('indexLag: newly committed transactions 404 on GET /transactions/{id} for N ms, while blocks show them', async () => {
    node.faults.indexLag(400);
    const tx = makeCreate(ALICE);
    expect((await post(node, tx, 'commit')).status).toBe(202);
    expect((await http(`${node.apiUrl}transactions/${tx.id}`)).status).toBe(404);
    expect(JSON.parse((await http(`${node.apiUrl}blocks/1`)).text)).toMatchObject({ transactions: [{ id: tx.id }] });
    await new Promise((r) => setTimeout(r, 450));
    expect((await http(`${node.apiUrl}transactions/${tx.id}`)).status).toBe(200);
    node.faults.clear();
    const after = makeCreate(ALICE);
    expect((await post(node, after, 'commit')).status).toBe(202);
    expect((await http(`${node.apiUrl}transactions/${after.id}`)).status).toBe(200);
  });

  test('the admin endpoint reports status and faults, and refuses bad parameters', async () => {
    expect(JSON.parse((await http(`${node.adminUrl}/status`)).text)).toMatchObject({
      height: 0,
      transactions: 0,
      pending: 0,
      subscribers: 0,
    });
    expect(JSON.parse((await http(`${node.adminUrl}/faults`)).text)).toEqual({
      refuseWebSockets: null,
      stallStream: null,
      delayHttp: null,
      unavailable: null,
      indexLag: null,
    });
    const missing = await admin(node, 'unavailable');
    expect([missing.status, missing.text]).toEqual([400, '{"error":"seconds is required"}\n']);
    expect((await admin(node, 'unavailable', '?seconds=-1')).status).toBe(400);
    expect((await admin(node, 'explode')).status).toBe(404);
    expect((await http(`${node.adminUrl}/faults/clear`)).status).toBe(405);
    expect(() => node.faults.delayHttp(-5)).toThrow(RangeError);
  });
});
