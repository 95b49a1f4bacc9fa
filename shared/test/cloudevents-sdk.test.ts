// Our events as the official CloudEvents JavaScript SDK sees them: structured mode and batch mode
// over HTTP, with the SDK's own validation (strict mode) as an independent judge.
import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import { BATCH_CONTENT_TYPE, parseOwnershipEvent, STRUCTURED_CONTENT_TYPE } from '../src';
import { createEvent, transferEvent } from './fixtures';

function structured(body: unknown): CloudEvent<unknown> {
  const event = HTTP.toEvent({ headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, body: JSON.stringify(body) });
  if (!(event instanceof CloudEvent)) throw new Error('expected one CloudEvent');
  event.validate(); // structured parsing builds the event unvalidated; validate explicitly
  return event;
}

describe('the CloudEvents SDK', () => {
  it('accepts our TRANSFER event in structured mode with every attribute intact', () => {
    const event = structured(transferEvent());
    const expected = transferEvent();
    expect(event.specversion).toBe('1.0');
    expect(event.id).toBe(expected.id);
    expect(event.source).toBe(expected.source);
    expect(event.type).toBe(expected.type);
    expect(event.subject).toBe(expected.subject);
    expect(new Date(event.time ?? '').toISOString()).toBe(new Date(expected.time).toISOString());
    expect(event.datacontenttype).toBe('application/json');
    expect(event.dataschema).toBe(expected.dataschema);
    expect(event.data).toEqual(expected.data);
  });

  it('carries the replay extension attribute', () => {
    const event = structured({ ...transferEvent(), replay: true });
    expect(event.replay).toBe(true);
  });

  it('accepts our batch form, and what it returns still parses as ours', () => {
    const body = JSON.stringify([createEvent(), transferEvent(), { ...transferEvent(), replay: true }]);
    const events = HTTP.toEvent({ headers: { 'content-type': BATCH_CONTENT_TYPE }, body });
    if (!Array.isArray(events)) throw new Error('expected a batch');
    expect(events.map((event) => event.id)).toEqual([createEvent().id, transferEvent().id, transferEvent().id]);
    for (const event of events) {
      if (!(event instanceof CloudEvent)) throw new Error('expected CloudEvent instances');
      expect(event.validate()).toBe(true);
      expect(parseOwnershipEvent(JSON.parse(JSON.stringify(event))).ok).toBe(true);
    }
  });

  it('round-trips: an event the SDK serializes in structured mode still parses as ours', () => {
    const message = HTTP.structured(new CloudEvent({ ...transferEvent() }));
    expect(message.headers['content-type']).toContain(STRUCTURED_CONTENT_TYPE);
    const parsed = parseOwnershipEvent(JSON.parse(String(message.body)));
    if (!parsed.ok) throw new Error('refused');
    // The SDK normalizes time to a full ISO string; the instant is the same.
    const { time, ...rest } = parsed.value;
    const { time: originalTime, ...originalRest } = transferEvent();
    expect(rest).toEqual(originalRest);
    expect(new Date(time).getTime()).toBe(new Date(originalTime).getTime());
  });

  it.each(['source', 'type'] as const)(
    'judges independently: it refuses an event without %s, and so do we',
    (attribute) => {
      const broken: Record<string, unknown> = { ...transferEvent() };
      delete broken[attribute];
      expect(() => structured(broken)).toThrow(ValidationError);
      expect(parseOwnershipEvent(broken).ok).toBe(false);
    },
  );

  it('gives an event without id a random one, so only our parser notices it is missing', () => {
    const { id: _id, ...withoutId } = transferEvent();
    expect(structured(withoutId).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseOwnershipEvent(withoutId)).toEqual({ ok: false, issues: [{ path: 'id', message: 'is required' }] });
  });

  it("accepts the specification's own JSON example, which our stricter schema refuses as not ours", () => {
    // cloudevents/spec json-format.md §3.2, the JSON-object-valued data example ("subject": null omitted: unset).
    const specExample = {
      specversion: '1.0',
      type: 'com.example.someevent',
      source: '/mycontext',
      id: 'C234-1234-1234',
      time: '2018-04-05T17:31:00Z',
      comexampleextension1: 'value',
      comexampleothervalue: 5,
      datacontenttype: 'application/json',
      data: { appinfoA: 'abc', appinfoB: 123, appinfoC: true },
    };
    expect(structured(specExample).data).toEqual(specExample.data);
    expect(parseOwnershipEvent(specExample).ok).toBe(false);
  });
});
