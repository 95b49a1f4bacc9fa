// A real HTTP receiver standing in for the Function App: verifies Standard Webhooks signatures
// (WebhookVerifier) and the function key, parses batches with the event package, records every
// event it acknowledges, deduplicates by event id like the real receiver, and can be told to
// misbehave (answer 503, refuse connections, reject or 400 chosen events, stall).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseOwnershipEventBatch, WebhookVerifier, type OwnershipEvent, type WebhookEventResult } from '@lease-premium/events';

export interface ReceivedDelivery {
  deliveryId: string;
  events: OwnershipEvent[];
}

export type ReceiverMode = 'up' | 'unavailable' | 'slow';

export interface TestReceiver {
  readonly url: string;
  /** Every acknowledged event, in the order the receiver took them (duplicates included). */
  readonly received: OwnershipEvent[];
  readonly deliveries: ReceivedDelivery[];
  /** Requests refused for a bad signature or function key: must stay 0. */
  readonly authFailures: number;
  readonly requests: number;
  mode: ReceiverMode;
  /** Event ids answered with outcome "rejected". */
  readonly rejectIds: Set<string>;
  /** Event ids whose request gets a 400 problem+json. */
  readonly badRequestIds: Set<string>;
  /** Extra time each request takes, given the requests in flight (itself included): models a receiver that slows down under concurrency. */
  delayFor: ((inFlight: number) => number) | undefined;
  /** Requests being handled now, and the most ever at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Answer with Retry-After when unavailable. */
  retryAfterSeconds: number | undefined;
  /** Stop listening (connections refused) / listen again on the same port. */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(options: { secrets: string[]; functionKey?: string; slowMs?: number }): Promise<TestReceiver> {
  const verifier = new WebhookVerifier(options.secrets);
  const seen = new Set<string>();
  const state = {
    received: [] as OwnershipEvent[],
    deliveries: [] as ReceivedDelivery[],
    authFailures: 0,
    requests: 0,
    mode: 'up' as ReceiverMode,
    rejectIds: new Set<string>(),
    badRequestIds: new Set<string>(),
    retryAfterSeconds: undefined as number | undefined,
    delayFor: undefined as ((inFlight: number) => number) | undefined,
    inFlight: 0,
    maxInFlight: 0,
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      await respond(req, res);
    } finally {
      state.inFlight -= 1;
    }
  };

  const respond = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    state.requests += 1;
    if (state.mode === 'unavailable') {
      res.writeHead(503, state.retryAfterSeconds !== undefined ? { 'retry-after': String(state.retryAfterSeconds) } : {}).end('down for a test');
      return;
    }
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, options.slowMs ?? 1_000));
    const delay = state.delayFor?.(state.inFlight) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const verified = verifier.verify(body, req.headers);
    if (!verified.ok || (options.functionKey !== undefined && req.headers['x-functions-key'] !== options.functionKey)) {
      state.authFailures += 1;
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: 'unauthorized', status: 401, detail: verified.ok ? 'function key' : verified.reason }));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      res.writeHead(400).end('not JSON');
      return;
    }
    const batch = parseOwnershipEventBatch(json);
    if (!batch.ok) {
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: 'bad batch', status: 400, errors: batch.issues }));
      return;
    }
    const items = batch.value;
    const invalid = items.find((item) => !item.ok);
    const events = items.flatMap((item) => (item.ok ? [item.value] : []));
    const bad = events.find((event) => state.badRequestIds.has(event.id));
    if (invalid || bad) {
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: 'Bad event', status: 400, detail: bad ? `event ${bad.id} refused by the test` : 'invalid event', errors: [] }));
      return;
    }
    const results = events.map((event): WebhookEventResult => {
      if (state.rejectIds.has(event.id)) return { id: event.id, outcome: 'rejected', reason: 'rejected by the test' };
      state.received.push(event);
      const duplicate = seen.has(event.id);
      seen.add(event.id);
      return duplicate ? { id: event.id, outcome: 'duplicate', firstOutcome: 'applied', kind: 'premium' } : { id: event.id, outcome: 'applied', kind: 'premium' };
    });
    state.deliveries.push({ deliveryId: String(req.headers['webhook-id']), events });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let listening = true;

  const receiver: TestReceiver = {
    url: `http://127.0.0.1:${port}/api/ownership-changes`,
    get received() {
      return state.received;
    },
    get deliveries() {
      return state.deliveries;
    },
    get authFailures() {
      return state.authFailures;
    },
    get requests() {
      return state.requests;
    },
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    rejectIds: state.rejectIds,
    badRequestIds: state.badRequestIds,
    get delayFor() {
      return state.delayFor;
    },
    set delayFor(value) {
      state.delayFor = value;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    get retryAfterSeconds() {
      return state.retryAfterSeconds;
    },
    set retryAfterSeconds(value) {
      state.retryAfterSeconds = value;
    },
    goDown: async () => {
      if (!listening) return;
      listening = false;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    comeBack: async () => {
      if (listening) return;
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      listening = true;
    },
    close: async () => {
      await receiver.goDown();
    },
  };
  return receiver;
}
