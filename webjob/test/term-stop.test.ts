// How a leadership term ends (src/consumer/stop-reason.ts): which signals abort for each stop, and
// the reason reported when several come together.
import { TermStop } from '../src/consumer/stop-reason';

function term(): { leadership: AbortController; shutdown: AbortController; stop: TermStop } {
  const leadership = new AbortController();
  const shutdown = new AbortController();
  return { leadership, shutdown, stop: new TermStop(leadership.signal, shutdown.signal) };
}

test('a shutdown stops reading at once; deliveries go on until the grace period ends; nothing is abandoned', () => {
  const { shutdown, stop } = term();
  expect(stop.reason).toBeUndefined();
  shutdown.abort();
  expect(stop.reason).toBe('shutdown');
  expect(stop.readSignal.aborted).toBe(true);
  expect(stop.deliverSignal.aborted).toBe(false);
  expect(stop.abandonSignal.aborted).toBe(false);
  stop.endDeliveries();
  expect(stop.deliverSignal.aborted).toBe(true);
  expect(stop.abandonSignal.aborted).toBe(false);
  expect(stop.error).toBeUndefined();
});

test('a lost leadership abandons the term at once, and outranks a shutdown already under way', () => {
  const { leadership, shutdown, stop } = term();
  shutdown.abort();
  leadership.abort();
  expect(stop.reason).toBe('leadership-lost');
  expect([stop.readSignal.aborted, stop.deliverSignal.aborted, stop.abandonSignal.aborted]).toEqual([true, true, true]);
});

test('a failure abandons the term, keeps the first error, and gives way to a lost leadership in the reason', () => {
  const { leadership, stop } = term();
  stop.fail(new Error('first'));
  stop.fail(new Error('second'));
  expect(stop.reason).toBe('failure');
  expect(stop.abandonSignal.aborted).toBe(true);
  expect(stop.error?.message).toBe('first');
  leadership.abort();
  expect(stop.reason).toBe('leadership-lost');
  expect(stop.error?.message).toBe('first');
});

test('a failure that is not an Error is wrapped, with the original as its cause', () => {
  const { stop } = term();
  stop.fail('a string');
  expect(stop.error).toBeInstanceOf(Error);
  expect(stop.error?.cause).toBe('a string');
});

test('signals that aborted before the term began count at once; dispose lets go of them', () => {
  const leadership = new AbortController();
  leadership.abort();
  const stop = new TermStop(leadership.signal, new AbortController().signal);
  expect(stop.reason).toBe('leadership-lost');
  expect(stop.readSignal.aborted).toBe(true);

  const shutdown = new AbortController();
  const later = new TermStop(new AbortController().signal, shutdown.signal);
  later.dispose();
  shutdown.abort();
  expect(later.readSignal.aborted).toBe(false);
});
