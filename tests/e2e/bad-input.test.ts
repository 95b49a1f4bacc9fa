// Bad input from outside, against the running stack: malformed, unsigned, forged, replayed and
// oversized webhook calls; back-office calls without a key or with invalid bodies. Each gets its
// documented status and problem body, and nothing is stored.
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import bs58 from 'bs58';
import {
  BATCH_CONTENT_TYPE,
  EVENT_DATA_SCHEMA,
  LEASE_SCHEMA_TAG,
  OWNERSHIP_CHANGED_TYPE,
  STRUCTURED_CONTENT_TYPE,
  WebhookSigner,
  type OwnershipEvent,
} from '@lease-premium/events';
import { shiftDate } from '../../devstack/src/demo/dates';
import { buildFleet } from '../../devstack/src/demo/fleet';
import { startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(120_000);

const hex64 = (): string => randomBytes(32).toString('hex');

function ownershipEvent(issuer: string, lessee: string): OwnershipEvent {
  const id = hex64();
  const assetId = hex64();
  const now = new Date().toISOString();
  const today = now.slice(0, 10);
  return {
    specversion: '1.0',
    id,
    source: 'bigchaindb://e2e',
    type: OWNERSHIP_CHANGED_TYPE,
    subject: assetId,
    time: now,
    datacontenttype: 'application/json',
    dataschema: EVENT_DATA_SCHEMA,
    data: {
      ledger: {
        transactionId: id,
        assetId,
        blockHeight: 7,
        indexInBlock: 0,
        operation: 'TRANSFER',
        spends: [{ transactionId: assetId, outputIndex: 0 }],
      },
      vehicle: buildFleet(1, { currency: 'USD', modelYear: 2025, serialBase: 400_000 })[0]!.asset,
      previousOwners: [issuer],
      newOwners: [lessee],
      issuer,
      lease: {
        schema: LEASE_SCHEMA_TAG,
        action: 'lease-start',
        leaseId: 'BAD-1',
        startDate: shiftDate(today, { days: 10 }),
        endDate: shiftDate(today, { years: 2 }),
        annualMileageKm: 10_000,
        usage: 'pleasure',
      },
      signaturesVerified: true,
      observedAt: now,
    },
  };
}

describe('bad input from outside gets its documented error and stores nothing', () => {
  let t: TestStack;
  let webhookUrl: string;
  let functionKey: string;
  let signer: WebhookSigner;

  beforeAll(async () => {
    t = await startTestStack();
    const d = t.stack.description;
    webhookUrl = d.functionApp.webhookUrl;
    functionKey = d.functionApp.functionKey;
    signer = new WebhookSigner(d.webhook.secrets);
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function post(
    body: string | Uint8Array,
    headers: Record<string, string>,
  ): Promise<{ status: number; contentType: string; json: unknown; text: string }> {
    const response = await fetch(webhookUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text };
  }

  function signed(
    body: string,
    options: { signer?: WebhookSigner; at?: Date; contentType?: string } = {},
  ): Record<string, string> {
    return {
      'x-functions-key': functionKey,
      'content-type': options.contentType ?? BATCH_CONTENT_TYPE,
      ...(options.signer ?? signer).sign(`e2e-${hex64().slice(0, 8)}`, body, options.at),
    };
  }

  async function storedEntities(table: 'Vehicles' | 'Drivers'): Promise<number> {
    const d = t.stack.description;
    const client = TableClient.fromConnectionString(d.storage.connectionString, `${d.storage.namePrefix}${table}`, {
      allowInsecureConnection: true,
    });
    let count = 0;
    try {
      for await (const _entity of client.listEntities()) count++;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return 0;
      throw error;
    }
    return count;
  }

  function expectProblem(
    result: { status: number; contentType: string; json: unknown },
    status: number,
  ): Record<string, unknown> {
    expect(result.status).toBe(status);
    expect(result.contentType).toMatch(/^application\/problem\+json/);
    const problem = result.json as Record<string, unknown>;
    expect(problem).toMatchObject({
      status,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    return problem;
  }

  it('webhook: unsigned, forged, re-signed-with-tampered-body and stale-timestamp calls are 401; a call without the function key is 401 with an empty body', async () => {
    const d = t.stack.description;
    const body = JSON.stringify([ownershipEvent(d.leasingCompany.publicKey, t.stack.config.leasingCompany.publicKey)]);

    const noKey = await post(body, { 'content-type': BATCH_CONTENT_TYPE, ...signer.sign('e2e-nokey', body) });
    expect(noKey.status).toBe(401);
    expect(noKey.text).toBe('');

    const unsigned = await post(body, { 'x-functions-key': functionKey, 'content-type': BATCH_CONTENT_TYPE });
    expect(expectProblem(unsigned, 401).detail).toMatch(
      /webhook-id, webhook-timestamp and webhook-signature headers are required/,
    );

    const forger = new WebhookSigner([`whsec_${randomBytes(32).toString('base64')}`]);
    const forged = await post(body, signed(body, { signer: forger }));
    expect(expectProblem(forged, 401).detail).toMatch(/no webhook-signature matches/);

    const headers = signed(body);
    const tampered = await post(body.replace('"BAD-1"', '"BAD-2"'), headers);
    expect(expectProblem(tampered, 401).detail).toMatch(/no webhook-signature matches/);

    // A captured delivery replayed later than the tolerance (300 s) is refused even with a valid signature.
    const stale = await post(body, signed(body, { at: new Date(Date.now() - 10 * 60_000) }));
    expect(expectProblem(stale, 401).detail).toMatch(/outside the accepted tolerance/);

    expect(await storedEntities('Vehicles')).toBe(0);
  });

  it('webhook: malformed JSON, an invalid event (exact error paths) and an oversized body get 400 / 400 / 413', async () => {
    const d = t.stack.description;
    const notJson = '[{"specversion":"1.0",';
    expectProblem(await post(notJson, signed(notJson)), 400);

    const event = ownershipEvent(
      d.leasingCompany.publicKey,
      t.stack.config.leasingCompany.publicKey,
    ) as unknown as Record<string, unknown>;
    const broken = JSON.stringify({
      ...event,
      subject: 'not-an-asset-id',
      data: { ...(event.data as object), newOwners: [] },
    });
    const invalid = expectProblem(await post(broken, signed(broken, { contentType: STRUCTURED_CONTENT_TYPE })), 400);
    const paths = (invalid.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['subject', 'data.newOwners']));

    const oversized = JSON.stringify([{ padding: 'x'.repeat(5 * 1024 * 1024) }]);
    expectProblem(await post(oversized, signed(oversized)), 413);

    expect(await storedEntities('Vehicles')).toBe(0);
  });

  it('webhook: a valid delivery replayed within the tolerance is answered "duplicate" and stores nothing twice', async () => {
    const d = t.stack.description;
    const event = ownershipEvent(d.leasingCompany.publicKey, t.stack.config.leasingCompany.publicKey);
    const body = JSON.stringify([event]);
    const headers = signed(body);
    const first = await post(body, headers);
    expect(first.status).toBe(200);
    expect((first.json as { results: Array<{ id: string; outcome: string }> }).results).toEqual([
      expect.objectContaining({ id: event.id, outcome: 'applied' }),
    ]);
    const entitiesAfterFirst = await storedEntities('Vehicles');

    const replay = await post(body, headers);
    expect(replay.status).toBe(200);
    expect((replay.json as { results: Array<{ id: string; outcome: string }> }).results).toEqual([
      expect.objectContaining({ id: event.id, outcome: 'duplicate' }),
    ]);
    expect(await storedEntities('Vehicles')).toBe(entitiesAfterFirst);
    expect(await t.api.premiumHistory(event.subject)).toHaveLength(1);
  });

  it('back office: no key or a wrong key is 401; invalid bodies are 400 with the exact paths; nothing is stored', async () => {
    const driverKey = bs58.encode(randomBytes(32)); // a well-formed key nobody registered
    const valid = {
      dateOfBirth: '1990-04-01',
      licensedSince: '2010-05-01',
      territory: 'urban',
      claims: [],
      violations: [],
    };

    for (const key of [null, 'wrong-key-wrong-key-wrong-key']) {
      const put = await t.api.request('PUT', `/drivers/${driverKey}`, valid, { key });
      expect(put.status).toBe(401);
      expect(put.text).toBe('');
      expect((await t.api.request('GET', `/vehicles/${hex64()}/premium`, undefined, { key })).status).toBe(401);
      expect((await t.api.request('GET', '/premiums?needsReview=true', undefined, { key })).status).toBe(401);
    }

    const badProfile = await t.api.request('PUT', `/drivers/${driverKey}`, {
      ...valid,
      dateOfBirth: '1990-02-30',
      licensedSince: '1980-01-01',
      claims: [{ date: '2024-01-01', atFault: 'yes', amountMinor: -5 }],
    });
    expect(badProfile.status).toBe(400);
    expect(badProfile.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const paths = ((badProfile.json as { errors: Array<{ path: string }> }).errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['dateOfBirth', 'claims.0.atFault', 'claims.0.amountMinor']));

    expect(
      (
        await t.api.request('PUT', `/drivers/${driverKey}`, undefined, {
          rawBody: '{"dateOfBirth":',
          contentType: 'application/json',
        })
      ).status,
    ).toBe(400);
    expect((await t.api.request('PUT', '/drivers/not-a-key!', valid)).status).toBe(400);
    expect(
      (await t.api.request('POST', `/drivers/${driverKey}/claims`, { date: 'today', atFault: true, amountMinor: 1 }))
        .status,
    ).toBe(400);
    expect(
      (
        await t.api.request('POST', `/drivers/${driverKey}/violations`, {
          date: '2024-01-01',
          points: 99,
          code: 'speeding',
        })
      ).status,
    ).toBe(400);
    expect((await t.api.request('GET', '/premiums?needsReview=true&pageSize=0')).status).toBe(400);

    expect((await t.api.request('GET', `/drivers/${driverKey}`)).status).toBe(404);
    expect(await storedEntities('Drivers')).toBe(0);
  });
});
