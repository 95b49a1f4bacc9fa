// One trace per ledger transaction, end to end: a real ledger node, the WebJob and the Function App
// (local host) on real Azurite, both exporting with the Azure Monitor exporter to a local ingestion
// endpoint (a real HTTPS server standing in for Application Insights). For a lease start the test
// follows the trace by its transaction id: the WebJob's root span (block read), its verification and
// delivery spans, then the Function App's span for the event, a child of the delivery span, linked to
// the batch's request span, with the rating and the Table transaction under it. Metrics and logs
// arrive through the same exporter.
import { shiftDate } from '../../devstack/src/demo/dates';
import { PERSONAS, personaProfile } from '../../devstack/src/demo/drivers';
import type { CurrentPremium } from '../../devstack/src/demo/back-office-client';
import { startTestStack, type TestStack } from '../support/stack';
import { startIngestionReceiver, type Envelope, type IngestionReceiver } from './lib/ingestion-receiver';
import { LeaseStory } from './lib/lease-story';

jest.setTimeout(150_000);

const WEBJOB = 'lease-premium-webjob';
const FUNCTIONS = 'lease-premium-functions';

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  diagnostics: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await diagnostics()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const role = (e: Envelope): string | undefined => e.tags?.['ai.cloud.role'];
const traceId = (e: Envelope): string | undefined => e.tags?.['ai.operation.id'];
const parentId = (e: Envelope): string | undefined => e.tags?.['ai.operation.parentId'];
const spanId = (e: Envelope): string => String(e.data?.baseData?.id);
const props = (e: Envelope): Record<string, string> => e.data?.baseData?.properties ?? {};
const isSpan = (e: Envelope): boolean =>
  e.data?.baseType === 'RequestData' || e.data?.baseType === 'RemoteDependencyData';

describe('telemetry: one trace per ledger transaction, WebJob → Function App', () => {
  let receiver: IngestionReceiver;
  let t: TestStack;
  let story: LeaseStory;

  beforeAll(async () => {
    receiver = await startIngestionReceiver();
    t = await startTestStack({ webjobEnv: receiver.env, functionAppEnv: receiver.env });
    const today = new Date().toISOString().slice(0, 10);
    story = new LeaseStory(t.ledger, t.api, t.stack.description.leasingCompany, shiftDate(today, { days: 7 }));
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  const spans = (): Envelope[] => receiver.envelopes.filter(isSpan);
  const span = (name: string, where: (e: Envelope) => boolean): Envelope | undefined =>
    spans().find((e) => e.data?.baseData?.name === name && where(e));
  const summary = async (): Promise<string> =>
    `${spans()
      .map(
        (e) =>
          `${role(e)} ${String(e.data?.baseData?.name)} ${traceId(e)}/${spanId(e)} <- ${parentId(e)} ${JSON.stringify(props(e))}`,
      )
      .join('\n')}\n${await t.logTail(20)}`;

  it('a lease start is one trace from the block read to the rating and the Table write, linked to the batch request', async () => {
    const driver = await story.registerDriver(personaProfile(PERSONAS[1]!, new Date().toISOString().slice(0, 10)));
    const [car] = await story.registerCars(1);
    const lease = await story.startLease(car!, driver);
    const txId = lease.tx.id;
    const premium = await waitFor<CurrentPremium>(
      'the premium of the lease start',
      async () => {
        const current = await t.api.currentPremium(car!.assetId);
        return current?.transactionId === txId ? current : undefined;
      },
      60_000,
      () => t.logTail(),
    );

    const ofTx = (e: Envelope): boolean => props(e)['ledger.transaction.id'] === txId;
    const applied = await waitFor(
      'the Function App span of the event',
      () => span('apply ownership event', (e) => role(e) === FUNCTIONS && ofTx(e)),
      30_000,
      summary,
    );
    const trace = traceId(applied)!;
    const root = await waitFor(
      'the WebJob root span',
      () =>
        span(
          'ledger transaction',
          (e) => role(e) === WEBJOB && ofTx(e) && props(e)['lease_premium.outcome'] !== undefined,
        ),
      30_000,
      summary,
    );
    const verify = span('verify transaction', (e) => role(e) === WEBJOB && ofTx(e));
    const deliver = span('deliver event', (e) => role(e) === WEBJOB && ofTx(e));
    const rating = await waitFor(
      'the rating span',
      () => span('rate premium', (e) => parentId(e) === spanId(applied)),
      10_000,
      summary,
    );
    const write = await waitFor(
      'the Table transaction span',
      () => span('Table transaction', (e) => parentId(e) === spanId(applied)),
      10_000,
      summary,
    );

    // One trace id from the block read to the Table write, with the parent/child links in order.
    expect(trace).toMatch(/^[0-9a-f]{32}$/);
    expect(root.data?.baseType).toBe('RequestData');
    expect(traceId(root)).toBe(trace);
    expect(parentId(root)).toBeUndefined();
    expect(verify && [traceId(verify), parentId(verify)]).toEqual([trace, spanId(root)]);
    expect(deliver && [traceId(deliver), parentId(deliver)]).toEqual([trace, spanId(root)]);
    expect([traceId(applied), parentId(applied)]).toEqual([trace, spanId(deliver!)]);
    expect([traceId(rating), traceId(write)]).toEqual([trace, trace]);
    expect(write.data?.baseType).toBe('RemoteDependencyData');

    // What an operator searches by: the transaction, the car, the block, the outcome, the premium.
    expect(props(root)).toMatchObject({
      'ledger.asset.id': car!.assetId,
      'ledger.block.height': String(premium.blockHeight),
      'lease_premium.outcome': 'applied',
    });
    expect(props(deliver!)).toMatchObject({ 'lease_premium.outcome': 'applied' });
    expect(props(applied)).toMatchObject({
      'ledger.asset.id': car!.assetId,
      'ledger.block.height': String(premium.blockHeight),
      'ledger.operation': 'TRANSFER',
      'lease_premium.outcome': 'applied',
      'lease_premium.annual_premium_minor': String(premium.annualPremiumMinor),
      'lease_premium.currency': premium.currency,
    });

    // The event's span links to the request that carried its batch; that request continues the
    // WebJob's client span of the POST (its own trace, shared by every event of the batch).
    const links = JSON.parse(props(applied)['_MS.links'] ?? '[]') as Array<{ operation_Id: string; id: string }>;
    expect(links).toHaveLength(1);
    const post = span('POST ownership-changes', (e) => role(e) === WEBJOB && traceId(e) === links[0]!.operation_Id);
    expect(post).toBeDefined();
    expect(links[0]!.operation_Id).not.toBe(trace);
    expect(props(post!)['lease_premium.delivery_id']?.startsWith(txId)).toBe(true);

    // The car's CREATE is a trace of its own.
    const create = span(
      'ledger transaction',
      (e) => role(e) === WEBJOB && props(e)['ledger.transaction.id'] === car!.assetId,
    );
    expect(create && traceId(create)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId(create!)).not.toBe(trace);
  });

  it('exports the WebJob /metrics values, the Function App metrics and the WebJob logs', async () => {
    const metricNames = (): Map<string, Envelope[]> => {
      const byName = new Map<string, Envelope[]>();
      for (const e of receiver.envelopes.filter((x) => x.data?.baseType === 'MetricData')) {
        const metrics = (e.data?.baseData?.metrics ?? []) as Array<{ name: string }>;
        for (const m of metrics) byName.set(m.name, [...(byName.get(m.name) ?? []), e]);
      }
      return byName;
    };
    const wanted = [
      'webjob_lag_blocks',
      'webjob_lag_seconds',
      'webjob_events_delivered_total',
      'webjob_events_dead_lettered_total',
      'premiums_rated_total',
      'review_queue_size',
    ];
    const deliveredApplied = (names: Map<string, Envelope[]>): boolean =>
      (names.get('webjob_events_delivered_total') ?? []).some(
        (e) => props(e).outcome === 'applied' && role(e) === WEBJOB,
      );
    // Metrics are exported periodically: an early export may predate the first acknowledged event.
    const found = await waitFor(
      'every metric, and the delivered events by outcome',
      () => {
        const names = metricNames();
        return wanted.every((name) => names.has(name)) && deliveredApplied(names) ? names : undefined;
      },
      30_000,
      () => Promise.resolve(`metrics so far: ${[...metricNames().keys()].join(', ')}`),
    );
    expect(deliveredApplied(found)).toBe(true);
    expect(found.get('premiums_rated_total')!.every((e) => role(e) === FUNCTIONS)).toBe(true);

    const messages = (): unknown[] =>
      receiver.envelopes
        .filter((e) => e.data?.baseType === 'MessageData' && role(e) === WEBJOB)
        .map((e) => e.data?.baseData?.message);
    await waitFor(
      'the WebJob logs',
      () => (messages().includes('consumption starting') ? true : undefined),
      30_000,
      () =>
        Promise.resolve(
          `WebJob log messages so far: ${JSON.stringify(messages())}; envelope types: ${[...new Set(receiver.envelopes.map((e) => `${role(e)} ${e.data?.baseType}`))].join(', ')}`,
        ),
    );
  });
});
