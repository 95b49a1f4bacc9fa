// The stream client against a real WebSocket server: frame formats, reconnect with backoff after
// a drop, and a silent (half-open) connection detected by ping timeout.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '../src/ops/logger';
import { WebJobMetrics } from '../src/ops/metrics';
import type { StreamFrame } from '../src/stream/frames';
import { parseStreamFrame } from '../src/stream/frames';
import { StreamClient, type StreamState } from '../src/stream/stream-client';

const TX = 'ab'.repeat(32);
const ASSET = 'cd'.repeat(32);

async function waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('parses v2 and v1 frames and refuses anything else', () => {
  expect(parseStreamFrame(JSON.stringify({ height: 7, asset_id: ASSET, transaction_id: TX }))).toEqual({
    format: 'v2',
    height: 7,
    assetId: ASSET,
    transactionId: TX,
  });
  expect(parseStreamFrame(JSON.stringify({ block_id: 'f'.repeat(64), asset_id: ASSET, transaction_id: TX }))).toEqual({
    format: 'v1',
    blockId: 'f'.repeat(64),
    assetId: ASSET,
    transactionId: TX,
  });
  expect(parseStreamFrame('{"height": -1, "asset_id": "x", "transaction_id": "y"}')).toBeUndefined();
  expect(parseStreamFrame('not json')).toBeUndefined();
});

describe('StreamClient', () => {
  let server: WebSocketServer;
  let sockets: WebSocket[];
  let client: StreamClient | undefined;

  beforeEach(async () => {
    sockets = [];
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => sockets.push(ws));
    await new Promise((r) => server.once('listening', r));
  });

  afterEach(async () => {
    await client?.stop();
    for (const ws of sockets) ws.terminate();
    await new Promise((r) => server.close(r));
  });

  function start(options: { pingIntervalMs?: number; pingTimeoutMs?: number; port?: number } = {}): {
    frames: StreamFrame[];
    states: StreamState[];
    metrics: WebJobMetrics;
  } {
    const frames: StreamFrame[] = [];
    const states: StreamState[] = [];
    const metrics = new WebJobMetrics();
    const url = `ws://127.0.0.1:${options.port ?? (server.address() as AddressInfo).port}/api/v1/streams/valid_transactions`;
    client = new StreamClient({
      resolveUrl: () => Promise.resolve(url),
      pingIntervalMs: options.pingIntervalMs ?? 1_000,
      pingTimeoutMs: options.pingTimeoutMs ?? 1_000,
      reconnect: { baseMs: 20, maxMs: 200 },
      logger: silentLogger,
      metrics,
    });
    client.start({ processFrame: (f) => frames.push(f), processStateChange: (s) => states.push(s) });
    return { frames, states, metrics };
  }

  test('receives frames, counts invalid ones, and reconnects after the server drops it', async () => {
    const { frames, states, metrics } = start();
    await waitFor(() => sockets.length === 1);
    sockets[0]!.send(JSON.stringify({ height: 1, asset_id: ASSET, transaction_id: TX }));
    sockets[0]!.send('garbage');
    await waitFor(() => frames.length === 1 && metrics.streamFrames.get({ format: 'invalid' }) === 1);
    sockets[0]!.terminate(); // abrupt drop, no close frame
    await waitFor(() => sockets.length === 2 && states.filter((s) => s === 'connected').length === 2);
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    expect(metrics.streamReconnects.total()).toBe(1);
    expect(metrics.streamConnected.get()).toBe(1);
  });

  test('a silent, half-open connection is detected by ping timeout and replaced', async () => {
    const { states } = start({ pingIntervalMs: 100, pingTimeoutMs: 200 });
    await waitFor(() => sockets.length === 1);
    // The server stops reading: no pongs, no close; only the client's ping timer can notice.
    (sockets[0] as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => sockets.length === 2, 5_000);
    expect(states).toContain('disconnected');
  });

  test('keeps retrying while the server is unreachable, then connects', async () => {
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const { states, metrics } = start({ port });
    await waitFor(() => metrics.streamReconnects.total() >= 3);
    server = new WebSocketServer({ host: '127.0.0.1', port });
    server.on('connection', (ws) => sockets.push(ws));
    await waitFor(() => states[states.length - 1] === 'connected');
  });
});
