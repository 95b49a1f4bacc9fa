// The Event Stream API (bigchaindb/web/websocket_server.py): ws://host:port/api/v1/streams/valid_transactions,
// one text frame per committed transaction in block order, sent only to sockets connected at that moment
// (no replay). Client messages are ignored; pings get pongs (the `ws` library answers them); the server sends
// no pings of its own.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CommittedBlock } from './chain-store';
import type { LedgerFaults } from './faults';
import { pythonJsonDumps } from './python-json';

export const EVENTS_ENDPOINT = '/api/v1/streams/valid_transactions';

/** v2 (BigchainDB 2.x): {"height", "asset_id", "transaction_id"}; v1 (1.x): {"block_id", "asset_id", "transaction_id"}. */
export type WsFormat = 'v1' | 'v2';

export interface StreamedTransaction {
  id: string;
  assetId: string;
}

function rejectUpgrade(socket: Duplex, status: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export class EventStream {
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Open subscribers and the TCP socket under each (corked while a block's frames are queued). */
  private readonly sockets = new Map<WebSocket, Duplex>();
  private readonly server: Server;

  private constructor(
    private readonly format: WsFormat,
    private readonly faults: LedgerFaults,
  ) {
    this.server = createServer((req, res) => {
      // A plain HTTP request: aiohttp's answers for the endpoint without an upgrade, and for other paths.
      const onEndpoint = new URL(req.url ?? '/', 'http://x').pathname === EVENTS_ENDPOINT;
      const body = onEndpoint
        ? 'No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".'
        : '404: Not Found';
      res.writeHead(onEndpoint ? 400 : 404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  static async start(host: string, port: number, format: WsFormat, faults: LedgerFaults): Promise<EventStream> {
    const stream = new EventStream(format, faults);
    await new Promise<void>((resolve, reject) => {
      stream.server.once('error', reject);
      stream.server.listen(port, host, () => {
        stream.server.off('error', reject);
        resolve();
      });
    });
    return stream;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get subscriberCount(): number {
    return this.sockets.size;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (new URL(req.url ?? '/', 'http://x').pathname !== EVENTS_ENDPOINT)
      return rejectUpgrade(socket, '404 Not Found', '404: Not Found');
    if (this.faults.refusingWebSockets())
      return rejectUpgrade(socket, '503 Service Unavailable', 'WebSocket connections are refused (injected fault)');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.set(ws, socket);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => this.sockets.delete(ws));
      ws.on('message', () => undefined); // unidirectional: whatever a client sends is read and discarded
    });
  }

  /**
   * Sends one frame per transaction of the block to every socket open now (unless the stream is stalled).
   * Each frame is encoded once for all subscribers, and each socket is corked for the block, so its frames
   * leave in one write instead of one system call per frame.
   */
  publish(block: CommittedBlock, transactions: readonly StreamedTransaction[]): void {
    if (transactions.length === 0 || this.sockets.size === 0 || this.faults.streamStalled()) return;
    const open = [...this.sockets].filter(([ws]) => ws.readyState === ws.OPEN);
    const frames = transactions.map((tx) =>
      Buffer.from(
        this.format === 'v2'
          ? pythonJsonDumps({ height: block.height, asset_id: tx.assetId, transaction_id: tx.id })
          : pythonJsonDumps({ block_id: block.blockId, asset_id: tx.assetId, transaction_id: tx.id }),
        'utf8',
      ),
    );
    for (const [ws, socket] of open) {
      socket.cork();
      for (const frame of frames) ws.send(frame, { binary: false });
      socket.uncork();
    }
  }

  /** Fault: every socket is cut without a close frame. */
  dropAll(): number {
    const count = this.sockets.size;
    for (const ws of this.sockets.keys()) ws.terminate();
    this.sockets.clear();
    return count;
  }

  async stop(): Promise<void> {
    this.dropAll();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
