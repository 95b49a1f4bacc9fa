import { Agent, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';

/** Hop-by-hop and proxy-internal headers that must not reach the client. */
const droppedResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-ms-invocation-id',
  'upgrade',
  'trailer',
  'te',
]);

export interface ProxiedInvocation {
  /** True once the app's response (status line) has come back through the proxy. */
  responded(): boolean;
  /** Resolves when the app's response has been fully relayed to the client, or the exchange failed. */
  finished: Promise<void>;
  abort(): void;
}

/**
 * Streaming mode (`app.setup({ enableHttpStream: true })`), done the way the real host does it: the
 * raw request is forwarded to the library's own HTTP server (`HttpUri` capability) tagged with
 * `x-ms-invocation-id`, `x-forwarded-host` and `x-forwarded-proto`; the library writes the response
 * to that connection and this host relays it to the client chunk by chunk.
 */
export class StreamingProxy {
  readonly #target: URL;
  readonly #agent = new Agent({ keepAlive: true });

  constructor(httpUri: string) {
    this.#target = new URL(httpUri);
  }

  forward(
    req: IncomingMessage,
    res: ServerResponse,
    invocationId: string,
    bodyLimit: number,
    onTooLarge: () => void,
  ): ProxiedInvocation {
    let responded = false;
    let aborted = false;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && name !== 'connection' && name !== 'keep-alive') headers[name] = value;
    }
    headers['x-ms-invocation-id'] = invocationId;
    headers['x-forwarded-host'] = req.headers.host ?? 'localhost';
    headers['x-forwarded-proto'] = 'http';
    const outgoing = httpRequest({
      agent: this.#agent,
      hostname: this.#target.hostname,
      port: this.#target.port,
      method: req.method,
      path: req.url,
      headers,
    });
    const finished = new Promise<void>((resolve) => {
      outgoing.on('response', (proxied) => {
        if (res.headersSent) {
          // The host already answered (413 while the body streamed): drop the app's response.
          proxied.resume();
          resolve();
          return;
        }
        responded = true;
        res.statusCode = proxied.statusCode ?? 500;
        for (const [name, value] of Object.entries(proxied.headers)) {
          if (value !== undefined && !droppedResponseHeaders.has(name)) res.setHeader(name, value);
        }
        res.flushHeaders();
        proxied.pipe(res);
        proxied.once('end', () => resolve());
        proxied.once('error', () => {
          res.destroy();
          resolve();
        });
      });
      outgoing.on('error', () => resolve());
      res.once('close', () => resolve());
    });
    let sent = 0;
    req.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (sent > bodyLimit) {
        if (!aborted) {
          aborted = true;
          outgoing.destroy();
          onTooLarge();
        }
        return;
      }
      if (!outgoing.write(chunk)) {
        req.pause();
        outgoing.once('drain', () => req.resume());
      }
    });
    req.once('end', () => {
      if (!aborted) outgoing.end();
    });
    req.once('error', () => outgoing.destroy());
    return {
      responded: () => responded,
      finished,
      abort: () => {
        aborted = true;
        outgoing.destroy();
      },
    };
  }

  close(): void {
    this.#agent.destroy();
  }
}
