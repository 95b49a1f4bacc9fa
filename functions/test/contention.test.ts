// One car hammered from every side at once on real Azurite: overlapping deliveries of its hand-overs
// (each event several times, in both orders) while its lessees' histories change. Every answer is
// 200 or 503 (contention: the sender retries), never 500; after the retries each event has exactly
// one history record and the car shows the last hand-over.
import {
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleProfile,
  transferEvent,
  sampleLease,
} from '../../devstack/src/bench/event-factory';
import { driverClaimsHandler } from '../src/functions/driver-claims';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { createTestApp, invoke, sendJson, webhookRequest, type TestApp } from './support/function-app';

let app: TestApp;
beforeAll(() => {
  app = createTestApp();
});

/** Retries a 503 as the WebJob does (bounded); returns every status seen. */
async function untilAccepted(call: () => ReturnType<typeof invoke>): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const response = await call();
    statuses.push(response.status);
    if (response.status !== 503) break;
  }
  return statuses;
}

it("concurrent deliveries of one car's events racing driver re-rates never answer 500", async () => {
  const car = newCar();
  const lessees = Array.from({ length: 4 }, () => randomPublicKey());
  await Promise.all(lessees.map((key) => app.services.drivers.put(key, sampleProfile())));
  await app.services.premiums.applyEvents([registeredEvent(car, { blockHeight: 1 })]);

  // Hand-overs lessee 0 -> 1 -> 2 -> 3 at increasing ledger positions.
  const lease = sampleLease();
  const events = [leaseStartEvent(car, { blockHeight: 2 }, [lessees[0]!], lease)];
  for (let i = 1; i < lessees.length; i++)
    events.push(transferEvent(car, { blockHeight: 2 + i }, [lessees[i - 1]!], [lessees[i]!], lease));

  const deliveries = [
    ...events.map((event) => [event]),
    events,
    [...events].reverse(),
    ...events.map((event) => [event]),
  ].map((batch) => () => invoke(ownershipChangesHandler(app.services), webhookRequest(app, batch)));
  const claims = lessees.flatMap((key, i) =>
    [1, 2].map(
      (n) => () =>
        invoke(
          driverClaimsHandler(app.services),
          sendJson(
            'POST',
            `/drivers/${key}/claims`,
            { driverKey: key },
            { date: `2026-0${n + 1}-1${i}`, atFault: true, amountMinor: 50_000 + n },
          ),
        ),
    ),
  );

  const statuses = (await Promise.all([...deliveries, ...claims].map((call) => untilAccepted(call)))).flat();
  expect(statuses).not.toContain(500);
  expect(statuses.filter((s) => s !== 503).every((s) => s === 200 || s === 201)).toBe(true);

  const current = await app.services.vehicles.readCurrent(car.assetId);
  expect(current?.value.ledger.transactionId).toBe(events.at(-1)!.id);
  const records = (await app.services.vehicles.listHistory(car.assetId, 1000, undefined)).items.filter(
    (r) => r.kind !== 're-rate',
  );
  expect(records.map((r) => r.ledger.transactionId).sort()).toEqual([car.assetId, ...events.map((e) => e.id)].sort());
});
