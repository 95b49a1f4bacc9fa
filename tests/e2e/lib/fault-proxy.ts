// A real HTTP proxy between the WebJob and the Function App that stands in for a receiver bug: it
// forwards every request unchanged, except webhook batches holding an event the test marked as
// poison, which get a 500 (as the Function App answered for an event it could not store). The
// Function App's own health route passes through, so the receiver looks up while it fails.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  /** The proxy's origin; the WebJob's WEBHOOK_URL points here. */
  readonly origin: string;
  /** Where requests go: the Function App's origin (set once the stack is up; 503 until then). */
  target: string | undefined;
  /** Batches with an event that matches answer 500 instead of reaching the Function App. */
  poison: ((event: { id: string; subject: string }) => boolean) | undefined;
  /** Batches answered 500 so far. */
  readonly failedBatches: number;
  close(): Promise<void>;
}

export async function startFaultProxy(): Promise<FaultProxy> {
  // The handler reads the returned object itself: the test changes target and poison on it.
  const state: Pick<FaultProxy, 'target' | 'poison'> & { failedBatches: number } = {
    target: undefined,
    poison: undefined,
    failedBatches: 0,
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && state.poison && eventsOf(body).some(state.poison)) {
        state.failedBatches += 1;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('RangeError: doc is too large to store (fault proxy)');
        return;
      }
      if (!state.target) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('fault proxy: no target yet');
        return;
      }
      const headers = { ...req.headers };
      delete headers.host;
      delete headers['content-length'];
      delete headers.connection;
      const response = await fetch(new URL(req.url ?? '/', state.target), {
        method: req.method ?? 'GET',
        headers: headers as Record<string, string>,
        ...(body.length > 0 ? { body } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      const answer = Buffer.from(await response.arrayBuffer());
      const contentType = response.headers.get('content-type');
      res.writeHead(response.status, contentType ? { 'content-type': contentType } : {}).end(answer);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`fault proxy: ${String(error)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The events of a CloudEvents batch body; none when it is not one. */
function eventsOf(body: Buffer): Array<{ id: string; subject: string }> {
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (!Array.isArray(json)) return [];
    return json.flatMap((e: unknown) =>
      typeof e === 'object' &&
      e !== null &&
      'id' in e &&
      'subject' in e &&
      typeof e.id === 'string' &&
      typeof e.subject === 'string'
        ? [{ id: e.id, subject: e.subject }]
        : [],
    );
  } catch {
    return [];
  }
}
