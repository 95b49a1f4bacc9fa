// The invocation's trace context: a child of a valid caller traceparent, else a new trace.
import { invocationTraceContext } from '../../src/functions-host/trace-context';

const CALLER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('invocationTraceContext', () => {
  it("continues the caller's trace with a span of its own, keeping the flags and the tracestate", () => {
    const context = invocationTraceContext({ traceparent: CALLER, tracestate: 'congo=t61rcWkgMzE' });
    expect(context.traceParent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(context.traceParent).not.toBe(CALLER);
    expect(context.traceState).toBe('congo=t61rcWkgMzE');
  });

  it.each([
    ['no header', undefined],
    ['a malformed header', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['an all-zero parent id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
    ['the forbidden version ff', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
  ])('starts a new trace on %s, dropping the tracestate', (_label, traceparent) => {
    const context = invocationTraceContext({
      ...(traceparent ? { traceparent } : {}),
      tracestate: 'congo=t61rcWkgMzE',
    });
    expect(context.traceParent).toMatch(FORMAT);
    expect(context.traceParent.slice(3, 35)).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(context.traceState).toBe('');
  });
});
