// Webhook benchmark: one signed delivery of N events of one kind for N different cars (default 100),
// through the real handler and services of the built Function App (functions/dist), against Azurite.
// Prints per-run wall time, events/s and storage requests per event (the HTTP requests this process
// sends to the table endpoint, counted from outside the app: storage-request-counter.ts; an
// entity-group transaction of many rows is one request, and one billed transaction), then medians.
//
//   STORAGE_CONNECTION_STRING=<azurite> node devstack/dist/bench/webhook-bench.js [--runs 5] [--events 100]
//     [--kind lease-start|hand-over|lease-end|registration|duplicate-hand-over]   (default lease-start)
//     [--storage-pid PID]   also report the CPU the storage process (Azurite) spent on the delivery,
//                           from /proc (Linux): steadier than wall time on a shared machine
//
// Two warm-up runs are discarded. Setup per run (not timed): fresh tables (unique prefix), two driver
// profiles per car, each car's CREATE applied (and, for hand-over / lease-end, a first lease to
// driver A; for duplicate-hand-over also the hand-over itself). Timed: the handler call from raw request to 200 response:
//   registration: the CREATE; lease-start: company -> driver A; hand-over: A -> B (link B, unlink A);
//   lease-end: A -> company (unlink A); duplicate-hand-over: the already applied hand-over again.
import { randomBytes, randomUUID } from 'node:crypto';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { BATCH_CONTENT_TYPE, WebhookSigner, parseWebhookSecrets, type OwnershipEvent } from '@lease-premium/events';
import { createAppServices } from '../../../functions/dist/app-services';
import { loadConfig } from '../../../functions/dist/config';
import { ownershipChangesHandler } from '../../../functions/dist/functions/ownership-changes';
import { liveProcessCpuMs } from './e2e/process-sampler';
import { spread } from './e2e/stats';
import {
  leaseEndEvent,
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
  transferEvent,
} from './event-factory';
import { StorageRequestCounter } from './storage-request-counter';

const KINDS = ['registration', 'lease-start', 'hand-over', 'lease-end', 'duplicate-hand-over'] as const;
export type BenchKind = (typeof KINDS)[number];

interface RunResult {
  ms: number;
  /** CPU time this process used during the call (rating, JSON, HTTP client); the rest is storage. */
  cpuMs: number;
  /** CPU time the storage process used during the call (only with --storage-pid). */
  storageCpuMs?: number;
  eventsPerSecond: number;
  storageRequestsPerEvent: number;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

function kindArgument(): BenchKind {
  const index = process.argv.indexOf('--kind');
  if (index < 0) return 'lease-start';
  const value = process.argv[index + 1];
  const kind = KINDS.find((k) => k === value);
  if (!kind) throw new Error(`--kind must be one of ${KINDS.join(', ')}`);
  return kind;
}

const median = (values: number[]): number => spread(values).median;

export async function benchRun(
  connectionString: string,
  eventCount: number,
  kind: BenchKind = 'lease-start',
  storagePid?: number,
): Promise<RunResult> {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const config = loadConfig(
    {
      STORAGE_CONNECTION_STRING: connectionString,
      STORAGE_NAME_PREFIX: `bench${randomBytes(4).toString('hex')}`,
      WEBHOOK_SECRETS: secret,
    },
    parseWebhookSecrets,
  );
  const services = createAppServices(config);
  await services.store.ping(); // tables exist before timing

  const cars = Array.from({ length: eventCount }, () => newCar());
  const driversA = cars.map(() => randomPublicKey());
  const driversB = cars.map(() => randomPublicKey());
  await Promise.all([...driversA, ...driversB].map((key) => services.drivers.put(key, sampleProfile())));
  const registrations = cars.map((car) => registeredEvent(car, { blockHeight: 1 }));
  const lease = sampleLease();
  const starts = cars.map((car, i) =>
    leaseStartEvent(car, { blockHeight: 2, indexInBlock: i }, [driversA[i] as string], lease),
  );
  const handOvers = cars.map((car, i) =>
    transferEvent(
      car,
      { blockHeight: 3, indexInBlock: i, spends: starts[i]?.id },
      [driversA[i] as string],
      [driversB[i] as string],
      lease,
    ),
  );
  const ends = cars.map((car, i) =>
    leaseEndEvent(car, { blockHeight: 3, indexInBlock: i, spends: starts[i]?.id }, [driversA[i] as string], lease),
  );
  const setup: OwnershipEvent[][] =
    kind === 'registration'
      ? []
      : kind === 'lease-start'
        ? [registrations]
        : kind === 'duplicate-hand-over'
          ? [registrations, starts, handOvers]
          : [registrations, starts];
  for (const batch of setup) await services.premiums.applyEvents(batch);
  const events =
    kind === 'registration' ? registrations : kind === 'lease-start' ? starts : kind === 'lease-end' ? ends : handOvers;
  const expected = kind === 'duplicate-hand-over' ? 'duplicate' : 'applied';

  const body = JSON.stringify(events);
  const headers = new WebhookSigner([secret]).sign(`msg_${randomUUID()}`, body);
  const request = new HttpRequest({
    method: 'POST',
    url: 'http://127.0.0.1/api/ownership-changes',
    headers: { 'content-type': BATCH_CONTENT_TYPE, ...headers },
    body: { string: body },
  });
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: 'ownership-changes',
    logHandler: () => undefined,
  });
  const handler = ownershipChangesHandler(services);

  const storageRequests = new StorageRequestCounter(connectionString);
  const storageCpuBefore = storagePid === undefined ? 0 : liveProcessCpuMs(storagePid);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await handler(request, context);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const storageCpu = storagePid === undefined ? undefined : liveProcessCpuMs(storagePid) - storageCpuBefore;
  storageRequests.stop();

  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const answer = (await response.json()) as { results: { outcome: string }[] };
  const applied = answer.results.filter((r) => r.outcome === expected).length;
  if (response.status !== 200 || applied !== eventCount)
    throw new Error(`benchmark delivery failed: ${response.status}, ${applied}/${eventCount} ${expected}`);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(storageCpu === undefined ? {} : { storageCpuMs: storageCpu }),
    eventsPerSecond: (eventCount * 1000) / ms,
    storageRequestsPerEvent: storageRequests.requests / eventCount,
  };
}

async function main(): Promise<void> {
  const connectionString = process.env.STORAGE_CONNECTION_STRING;
  if (!connectionString) throw new Error('STORAGE_CONNECTION_STRING is required (e.g. an Azurite connection string)');
  const runs = argument('runs', 5);
  const events = argument('events', 100);
  const kind = kindArgument();
  const storagePid = process.argv.includes('--storage-pid') ? argument('storage-pid', 1) : undefined;
  const storageCpuText = (ms: number | undefined) => (ms === undefined ? '' : `, ${ms.toFixed(0)} ms CPU in storage`);
  // Warm-up (discarded): two full deliveries, so both this process and Azurite run JIT-compiled code.
  for (let i = 0; i < 2; i++) await benchRun(connectionString, events, kind, storagePid);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const result = await benchRun(connectionString, events, kind, storagePid);
    results.push(result);
    console.log(
      `run ${run}: ${events} ${kind} events in ${result.ms.toFixed(1)} ms = ${result.eventsPerSecond.toFixed(0)} events/s, ` +
        `${result.storageRequestsPerEvent.toFixed(2)} storage requests/event, ${result.cpuMs.toFixed(0)} ms CPU in this process${storageCpuText(result.storageCpuMs)}`,
    );
  }
  console.log(
    `median of ${runs}: ${median(results.map((r) => r.ms)).toFixed(1)} ms per delivery of ${events} ${kind} events, ` +
      `${median(results.map((r) => r.eventsPerSecond)).toFixed(0)} events/s, ${median(results.map((r) => r.storageRequestsPerEvent)).toFixed(2)} storage requests/event, ` +
      `${median(results.map((r) => r.cpuMs)).toFixed(0)} ms CPU in this process` +
      storageCpuText(storagePid === undefined ? undefined : median(results.map((r) => r.storageCpuMs ?? 0))),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
