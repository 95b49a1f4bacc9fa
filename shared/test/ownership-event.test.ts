// The ownership-change CloudEvent: single and batch parsing with exact issue paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatIssues,
  MAX_BATCH_EVENTS,
  OWNERSHIP_CHANGED_TYPE,
  parseOwnershipEvent,
  parseOwnershipEventBatch,
  VEHICLE_REGISTERED_TYPE,
} from '../src';
import { createEvent, json, LESSEE_KEY, transferEvent } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at nested JSON
type Mutation = (event: Json) => void;

function eventWith(mutation: Mutation, base = transferEvent()): Json {
  const event = json(base) as Json;
  mutation(event);
  return event;
}

function issuesOf(input: unknown): string {
  const parsed = parseOwnershipEvent(input);
  if (parsed.ok) throw new Error('expected the event to be refused');
  return formatIssues(parsed.issues);
}

describe('parseOwnershipEvent', () => {
  it('accepts a TRANSFER with lease terms, a CREATE, a replay and unknown extension attributes', () => {
    expect(parseOwnershipEvent(transferEvent())).toEqual({ ok: true, value: transferEvent() });
    expect(parseOwnershipEvent(createEvent())).toEqual({ ok: true, value: createEvent() });
    expect(parseOwnershipEvent({ ...transferEvent(), replay: true })).toMatchObject({
      ok: true,
      value: { replay: true },
    });
    const traced = {
      ...transferEvent(),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'congo=t61rcWkgMzE',
    };
    expect(parseOwnershipEvent(traced)).toEqual({ ok: true, value: traced });
  });

  it('accepts a TRANSFER without lease terms and joint new owners', () => {
    const event = eventWith((e) => {
      e.data.lease = null;
      e.data.newOwners = [LESSEE_KEY, '3Af3fhhjU6d9WecEM9Uw5hfom9kNEwE7YuDWdqAUssqm'];
    });
    expect(parseOwnershipEvent(event).ok).toBe(true);
  });

  it('names the full path of both dates when the lease ends before it starts', () => {
    const parsed = parseOwnershipEvent(eventWith((e) => (e.data.lease.endDate = '2025-02-01')));
    expect(parsed).toEqual({
      ok: false,
      issues: [{ path: 'data.lease.endDate', message: 'must be after data.lease.startDate' }],
    });
    expect(formatIssues(parsed.ok ? [] : parsed.issues)).toBe('data.lease.endDate: must be after data.lease.startDate');
  });

  it.each<[string, Mutation, string]>([
    [
      'a bad VIN check digit',
      (e) => (e.data.vehicle.vin = '1HGCM82643A004352'),
      'data.vehicle.vin: check digit (position 9) must be 3',
    ],
    [
      'a non-ISO currency',
      (e) => (e.data.vehicle.currency = 'EURO'),
      'data.vehicle.currency: must be an ISO 4217 code such as "EUR"',
    ],
    [
      'a negative vehicle value',
      (e) => (e.data.vehicle.valueMinor = -5),
      'data.vehicle.valueMinor: Too small: expected number to be >0',
    ],
    [
      'id different from the transaction id',
      (e) => (e.id = 'f'.repeat(64)),
      'data.ledger.transactionId: must equal id',
    ],
    [
      'subject different from the asset id',
      (e) => (e.subject = 'e'.repeat(64)),
      'data.ledger.assetId: must equal subject',
    ],
    [
      'a TRANSFER typed as registered',
      (e) => (e.type = VEHICLE_REGISTERED_TYPE),
      `type: must be ${OWNERSHIP_CHANGED_TYPE} for a TRANSFER`,
    ],
    [
      'a TRANSFER that spends nothing',
      (e) => (e.data.ledger.spends = []),
      'data.ledger.spends: must not be empty for a TRANSFER',
    ],
    ['an id that is not a transaction id', (e) => (e.id = 'A234-1234-1234'), 'id: must be 64 lowercase hex characters'],
    ['an upper-case id', (e) => (e.id = e.id.toUpperCase()), 'id: must be 64 lowercase hex characters'],
    ['spec version 0.3', (e) => (e.specversion = '0.3'), 'specversion: Invalid input: expected "1.0"'],
    ['an unknown type', (e) => (e.type = 'com.example.someevent'), 'type: Invalid option'],
    ['a foreign dataschema', (e) => (e.dataschema = 'https://example.com/x.json'), 'dataschema: Invalid input'],
    [
      'XML content',
      (e) => (e.datacontenttype = 'application/xml'),
      'datacontenttype: Invalid input: expected "application/json"',
    ],
    ['a time without a zone', (e) => (e.time = '2025-03-01T09:14:07'), 'time: Invalid ISO datetime'],
    [
      'a replay flag as a string',
      (e) => (e.replay = 'true'),
      'replay: Invalid input: expected boolean, received string',
    ],
    [
      'a traceparent that is not W3C',
      (e) => (e.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331'),
      'traceparent: must be a W3C traceparent',
    ],
    [
      'an upper-case traceparent',
      (e) => (e.traceparent = '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'),
      'traceparent: must be a W3C traceparent',
    ],
    [
      'a tracestate over 512 characters',
      (e) => (e.tracestate = `k=${'v'.repeat(511)}`),
      'tracestate: Too big: expected string to have <=512 characters',
    ],
    ['a tracestate with a line break', (e) => (e.tracestate = 'a=1\nb=2'), 'tracestate: must be printable ASCII'],
    [
      'a negative block height',
      (e) => (e.data.ledger.blockHeight = -1),
      'data.ledger.blockHeight: Too small: expected number to be >=0',
    ],
    [
      'a block height of 1e12 (beyond what history row keys hold)',
      (e) => (e.data.ledger.blockHeight = 1e12),
      'data.ledger.blockHeight: Too big: expected number to be <=999999999999',
    ],
    [
      'an index in block of 1e6',
      (e) => (e.data.ledger.indexInBlock = 1e6),
      'data.ledger.indexInBlock: Too big: expected number to be <=999999',
    ],
    [
      'a 44-character key that decodes to 33 bytes',
      (e) => (e.data.newOwners = ['JhkSVu1fw8pMYiXyHGTjEMCrxc7jTesqPucvGajxkHWE']),
      'data.newOwners.0: must decode to 32 bytes (an Ed25519 public key)',
    ],
    [
      '101 new owners',
      (e) => (e.data.newOwners = Array.from({ length: 101 }, () => LESSEE_KEY)),
      'data.newOwners: Too big: expected array to have <=100 items',
    ],
    [
      'a fractional index',
      (e) => (e.data.ledger.indexInBlock = 0.5),
      'data.ledger.indexInBlock: Invalid input: expected int, received number',
    ],
    ['an unknown operation', (e) => (e.data.ledger.operation = 'BURN'), 'data.ledger.operation: Invalid option'],
    [
      'a bad spent output index',
      (e) => (e.data.ledger.spends[0].outputIndex = -1),
      'data.ledger.spends.0.outputIndex: Too small: expected number to be >=0',
    ],
    [
      'a key that is not base58',
      (e) => (e.data.newOwners = ['0OIl' + LESSEE_KEY.slice(4)]),
      'data.newOwners.0: must be a base58 Ed25519 public key',
    ],
    [
      'a second bad key',
      (e) => (e.data.previousOwners = [LESSEE_KEY, 'short']),
      'data.previousOwners.1: must be a base58 Ed25519 public key',
    ],
    ['no new owners', (e) => (e.data.newOwners = []), 'data.newOwners: Too small: expected array to have >=1 items'],
    [
      'signaturesVerified as a string',
      (e) => (e.data.signaturesVerified = 'yes'),
      'data.signaturesVerified: Invalid input: expected boolean, received string',
    ],
    ['a bad lease date', (e) => (e.data.lease.startDate = '2025-02-30'), 'data.lease.startDate: Invalid ISO date'],
    [
      'other lease metadata in the lease field',
      (e) => (e.data.lease = { sequence: 1 }),
      'data.lease.schema: is required',
    ],
    ['no issuer', (e) => delete e.data.issuer, 'data.issuer: is required'],
    ['no vehicle', (e) => delete e.data.vehicle, 'data.vehicle: is required'],
    ['no ledger position', (e) => delete e.data.ledger, 'data.ledger: is required'],
    ['no data', (e) => delete e.data, 'data: is required'],
    ['no id', (e) => delete e.id, 'id: is required'],
    ['no source', (e) => delete e.source, 'source: is required'],
    ['no specversion', (e) => delete e.specversion, 'specversion: is required'],
    ['an empty source', (e) => (e.source = ''), 'source: Too small: expected string to have >=1 characters'],
  ])('refuses %s', (_label, mutation, expected) => {
    expect(issuesOf(eventWith(mutation))).toContain(expected);
  });

  it.each<[string, Mutation, string]>([
    [
      'a CREATE typed as ownership-changed',
      (e) => (e.type = OWNERSHIP_CHANGED_TYPE),
      `type: must be ${VEHICLE_REGISTERED_TYPE} for a CREATE`,
    ],
    [
      'a CREATE that spends an output',
      (e) => (e.data.ledger.spends = [{ transactionId: 'a'.repeat(64), outputIndex: 0 }]),
      'data.ledger.spends: must be empty for a CREATE',
    ],
  ])('refuses %s', (_label, mutation, expected) => {
    expect(issuesOf(eventWith(mutation, createEvent()))).toBe(expected);
  });

  it.each([null, 'a string', 42, [], true])('refuses a body that is not an object: %j', (body) => {
    expect(issuesOf(body)).toMatch(/^Invalid input: expected object, received \w+$/);
  });
});

describe('parseOwnershipEventBatch', () => {
  it('parses each element on its own, in order, keeping the raw element', () => {
    const bad = eventWith((e) => (e.data.lease.endDate = '2020-01-01'));
    const parsed = parseOwnershipEventBatch([createEvent(), bad, transferEvent()]);
    if (!parsed.ok) throw new Error(formatIssues(parsed.issues));
    expect(parsed.value.map((item) => item.ok)).toEqual([true, false, true]);
    expect(parsed.value[1]).toEqual({
      ok: false,
      issues: [{ path: 'data.lease.endDate', message: 'must be after data.lease.startDate' }],
      raw: bad,
    });
    expect(parsed.value[2]).toEqual({ ok: true, value: transferEvent(), raw: transferEvent() });
  });

  it.each([
    ['an object', transferEvent(), 'must be a JSON array of CloudEvents'],
    ['null', null, 'must be a JSON array of CloudEvents'],
    ['an empty array', [], 'must contain at least 1 event'],
    [
      'too many events',
      Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => transferEvent()),
      `must contain at most ${MAX_BATCH_EVENTS} events (got ${MAX_BATCH_EVENTS + 1})`,
    ],
  ])('fails the envelope for %s', (_label, body, message) => {
    expect(parseOwnershipEventBatch(body)).toEqual({ ok: false, issues: [{ path: '', message }] });
  });

  it('accepts exactly MAX_BATCH_EVENTS', () => {
    const parsed = parseOwnershipEventBatch(Array.from({ length: MAX_BATCH_EVENTS }, () => transferEvent()));
    expect(parsed.ok && parsed.value.every((item) => item.ok)).toBe(true);
  });

  it("turns the CloudEvents specification's batch example into two per-element refusals, not an envelope error", () => {
    // cloudevents/spec json-format.md §4.3: valid CloudEvents, but not ours.
    const specBatch = [
      {
        specversion: '1.0',
        type: 'com.example.someevent',
        source: '/mycontext/4',
        id: 'B234-1234-1234',
        time: '2018-04-05T17:31:00Z',
        comexampleextension1: 'value',
        comexampleothervalue: 5,
        datacontenttype: 'application/vnd.apache.thrift.binary',
        data_base64: '... base64 encoded string ...',
      },
      {
        specversion: '1.0',
        type: 'com.example.someotherevent',
        source: '/mycontext/9',
        id: 'C234-1234-1234',
        time: '2018-04-05T17:31:05Z',
        comexampleextension1: 'value',
        comexampleothervalue: 5,
        datacontenttype: 'application/json',
        data: { appinfoA: 'abc', appinfoB: 123, appinfoC: true },
      },
    ];
    const parsed = parseOwnershipEventBatch(specBatch);
    if (!parsed.ok) throw new Error('envelope refused');
    expect(parsed.value.map((item) => item.ok)).toEqual([false, false]);
    const second = parsed.value[1];
    expect(second && !second.ok && second.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['id', 'type', 'subject', 'dataschema', 'data.ledger', 'data.vehicle']),
    );
  });
});

describe('the README example', () => {
  it('is a valid event, identical to the transfer fixture', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const block = /<!-- example:OwnershipEvent -->\s*```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example: unknown = JSON.parse(block ?? '');
    expect(parseOwnershipEvent(example)).toEqual({ ok: true, value: transferEvent() });
  });
});
