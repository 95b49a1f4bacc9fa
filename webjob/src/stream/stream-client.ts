// WebSocket client for the ledger's event stream. It never gives up: pings detect dead
// connections, reconnects use jittered exponential backoff, and every state change is logged.
// The stream is only a hint of new heights; the sequencer reads blocks over HTTP as the truth.
import WebSocket from 'ws';
import { backoffDelay, type BackoffPolicy } from '../util/retry';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { parseStreamFrame, type StreamFrame } from './frames';

export type StreamState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'stopped';

/** What the stream client hands on: the height sequencer, in the WebJob. */
export interface StreamHandlers {
  /** A valid v1 or v2 frame arrived (invalid ones are counted and dropped here). */
  processFrame(frame: StreamFrame): void;
  /** Every state change; "connected" means anything may have been missed meanwhile. */
  processStateChange?(state: StreamState): void;
}

export interface StreamClientOptions {
  resolveUrl: () => Promise<string>;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  reconnect: BackoffPolicy;
  logger: Logger;
  metrics: WebJobMetrics;
}

export class StreamClient {
  private socket: WebSocket | undefined;
  private state: StreamState = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongDeadline: NodeJS.Timeout | undefined;
  private stopped = false;
  private handlers: StreamHandlers | undefined;

  constructor(private readonly options: StreamClientOptions) {}

  get currentState(): StreamState {
    return this.state;
  }

  /** Connects, and keeps reconnecting until stop(); frames and state changes go to `handlers`. */
  start(handlers: StreamHandlers): void {
    this.handlers = handlers;
    this.stopped = false;
    void this.connect();
  }

  /** Drops the current connection (e.g. the stream stalled) and reconnects with backoff. */
  forceReconnect(reason: string): void {
    if (this.stopped || !this.socket) return;
    this.options.logger.warn('stream reconnect forced', { reason });
    this.socket.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.clearPing();
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.terminate();
      await closed;
    }
    this.setState('stopped');
  }

  private setState(state: StreamState, fields: Record<string, unknown> = {}): void {
    if (state === this.state) return;
    this.state = state;
    this.options.metrics.streamConnected.set(state === 'connected' ? 1 : 0);
    this.options.logger.info(`stream ${state}`, fields);
    this.handlers?.processStateChange?.(state);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState('connecting', { attempt: this.attempt });
    let url: string;
    try {
      url = await this.options.resolveUrl();
    } catch (error) {
      this.scheduleReconnect(error);
      return;
    }
    if (this.stopped) return;
    const socket = new WebSocket(url, { handshakeTimeout: this.options.pingTimeoutMs + this.options.pingIntervalMs });
    this.socket = socket;
    let opened = false;
    let lastError: unknown;

    socket.on('open', () => {
      opened = true;
      this.setState('connected', { url });
      this.schedulePing(socket);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.attempt = 0; // a live, talking connection: the next outage starts backoff afresh
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      const frame = parseStreamFrame(text);
      if (!frame) {
        this.options.metrics.streamFrames.inc(1, { format: 'invalid' });
        this.options.logger.warn('stream frame ignored: not a v1 or v2 valid_transactions frame', {
          length: text.length,
        });
        return;
      }
      this.options.metrics.streamFrames.inc(1, { format: frame.format });
      this.handlers?.processFrame(frame);
    });
    socket.on('pong', () => {
      this.attempt = 0;
      clearTimeout(this.pongDeadline);
      this.pongDeadline = undefined;
    });
    socket.on('error', (error) => {
      lastError = error;
    });
    socket.on('close', (code) => {
      this.clearPing();
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      this.setState('disconnected', { code, opened, ...(lastError ? { error: lastError } : {}) });
      this.scheduleReconnect(lastError);
    });
  }

  private schedulePing(socket: WebSocket): void {
    this.clearPing();
    this.pingTimer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN || this.pongDeadline) return;
      socket.ping();
      this.pongDeadline = setTimeout(() => {
        this.options.logger.warn('stream ping timed out: terminating the connection', {
          timeoutMs: this.options.pingTimeoutMs,
        });
        socket.terminate();
      }, this.options.pingTimeoutMs);
    }, this.options.pingIntervalMs);
  }

  private clearPing(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongDeadline);
    this.pingTimer = undefined;
    this.pongDeadline = undefined;
  }

  private scheduleReconnect(error: unknown): void {
    if (this.stopped) return;
    this.attempt += 1;
    const delayMs = backoffDelay(this.options.reconnect, this.attempt);
    this.options.metrics.streamReconnects.inc();
    this.options.logger.info('stream reconnect scheduled', {
      attempt: this.attempt,
      delayMs,
      ...(error ? { error } : {}),
    });
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs);
  }
}
