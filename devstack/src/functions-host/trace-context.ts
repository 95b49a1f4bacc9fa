// The invocation's W3C trace context, as the real host gives it to the worker (InvocationContext
// .traceContext): the host's own request span, a child of the caller's `traceparent` header when
// one came and is valid, else the root of a new trace. This host records no span of its own; the
// ids only let the app link to "the request" the way it does on Azure.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RpcTraceContext } from './core-types';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** https://www.w3.org/TR/trace-context/#traceparent-header: version ff and all-zero ids are invalid. */
export function invocationTraceContext(headers: IncomingHttpHeaders): RpcTraceContext {
  const match = TRACEPARENT.exec(firstHeader(headers.traceparent)?.trim().toLowerCase() ?? '');
  const valid = match !== null && match[1] !== 'ff' && !/^0+$/.test(match[2]!) && !/^0+$/.test(match[3]!);
  const traceId = valid ? match[2]! : randomBytes(16).toString('hex');
  const flags = valid ? match[4]! : '01';
  const traceState = valid ? (firstHeader(headers.tracestate)?.slice(0, 512) ?? '') : '';
  return { traceParent: `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`, traceState, attributes: {} };
}
