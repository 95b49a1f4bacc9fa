// A real HTTP receiver standing in for the Function App: verifies Standard Webhooks signatures
// (WebhookVerifier) and the function key, parses batches with the event package, records every
// event it acknowledges, deduplicates by event id like the real receiver, and can be told to
// misbehave (answer 503 or 500 on everything, refuse connections, reject, 400 or 500 chosen
// events, stall). GET /api/health answers 200 while it is up. It records every time two requests
// carried the same vehicle at once (the WebJob must never do that).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  parseOwnershipEventBatch,
  WebhookVerifier,
  type OwnershipEvent,
  type WebhookEventResult,
} from '@lease-premium/events';

export interface ReceivedDelivery {
  deliveryId: string;
  events: OwnershipEvent[];
}

/** up; unavailable: 503 everywhere (health too); failing: 500 everywhere (health too); slow: up, after slowMs. */
export type ReceiverMode = 'up' | 'unavailable' | 'failing' | 'slow';

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
  /** Event ids whose request gets a 500 (a receiver bug on that event); health stays 200. */
  readonly failIds: Set<string>;
  /** Vehicles (subjects) that arrived in a request while another request carrying them was in flight. */
  readonly vehicleOverlaps: string[];
  /** GET /api/health requests answered. */
  readonly healthChecks: number;
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

export async function startReceiver(options: {
  secrets: string[];
  functionKey?: string;
  slowMs?: number;
}): Promise<TestReceiver> {
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
    failIds: new Set<string>(),
    vehicleOverlaps: [] as string[],
    healthChecks: 0,
    retryAfterSeconds: undefined as number | undefined,
    delayFor: undefined as ((inFlight: number) => number) | undefined,
    inFlight: 0,
    maxInFlight: 0,
  };

  const vehiclesInFlight = new Map<string, number>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method === 'GET' && req.url === '/api/health') {
      state.healthChecks += 1;
      const status = state.mode === 'unavailable' ? 503 : state.mode === 'failing' ? 500 : 200;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: status === 200 ? 'ok' : 'unhealthy' }));
      return;
    }
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let vehicles: string[] = [];
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      vehicles = subjectsOf(body);
      for (const vehicle of vehicles) {
        const count = vehiclesInFlight.get(vehicle) ?? 0;
        if (count > 0) state.vehicleOverlaps.push(vehicle);
        vehiclesInFlight.set(vehicle, count + 1);
      }
      await respond(req, res, body);
    } finally {
      state.inFlight -= 1;
      for (const vehicle of vehicles) vehiclesInFlight.set(vehicle, vehiclesInFlight.get(vehicle)! - 1);
    }
  };

  const respond = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    state.requests += 1;
    if (state.mode === 'unavailable') {
      res
        .writeHead(503, state.retryAfterSeconds !== undefined ? { 'retry-after': String(state.retryAfterSeconds) } : {})
        .end('down for a test');
      return;
    }
    if (state.mode === 'failing') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error: failing for a test');
      return;
    }
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, options.slowMs ?? 1_000));
    const delay = state.delayFor?.(state.inFlight) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const verified = verifier.verify(body, req.headers);
    if (!verified.ok || (options.functionKey !== undefined && req.headers['x-functions-key'] !== options.functionKey)) {
      state.authFailures += 1;
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          title: 'unauthorized',
          status: 401,
          detail: verified.ok ? 'function key' : verified.reason,
        }),
      );
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
      res
        .writeHead(400, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ title: 'bad batch', status: 400, errors: batch.issues }));
      return;
    }
    const items = batch.value;
    const invalid = items.find((item) => !item.ok);
    const events = items.flatMap((item) => (item.ok ? [item.value] : []));
    const failing = events.find((event) => state.failIds.has(event.id));
    if (failing) {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`RangeError: event ${failing.id} breaks the test receiver`);
      return;
    }
    const bad = events.find((event) => state.badRequestIds.has(event.id));
    if (invalid || bad) {
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Bad event',
          status: 400,
          detail: bad ? `event ${bad.id} refused by the test` : 'invalid event',
          errors: [],
        }),
      );
      return;
    }
    const results = events.map((event): WebhookEventResult => {
      if (state.rejectIds.has(event.id)) return { id: event.id, outcome: 'rejected', reason: 'rejected by the test' };
      state.received.push(event);
      const duplicate = seen.has(event.id);
      seen.add(event.id);
      return duplicate
        ? { id: event.id, outcome: 'duplicate', firstOutcome: 'applied', kind: 'premium' }
        : { id: event.id, outcome: 'applied', kind: 'premium' };
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
    failIds: state.failIds,
    vehicleOverlaps: state.vehicleOverlaps,
    get healthChecks() {
      return state.healthChecks;
    },
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

/** The vehicles (CloudEvent subjects) a batch body names; none when it is not a JSON array of objects. */
function subjectsOf(body: Buffer): string[] {
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (!Array.isArray(json)) return [];
    return [
      ...new Set(
        json.flatMap((event: unknown) =>
          typeof event === 'object' && event !== null && 'subject' in event && typeof event.subject === 'string'
            ? [event.subject]
            : [],
        ),
      ),
    ];
  } catch {
    return [];
  }
}
