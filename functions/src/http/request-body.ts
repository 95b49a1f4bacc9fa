// Reading request bodies: the raw bytes (the webhook signature covers them exactly), with a size
// limit, and JSON parsed and validated at the edge. A body over the limit is refused from its
// Content-Length before a byte is read; one without (chunked) is read only up to the limit.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Parsed } from '@lease-premium/events';
import type { HttpCheck } from './http-check';
import { problem, validationProblem } from './problem';

/** A review resolution is two short texts and an amount: far below this. */
export const MAX_RESOLUTION_BODY_BYTES = 16 * 1024;

export function tooLarge(limitBytes: number): HttpResponseInit {
  return problem(413, 'too-large', 'Request body too large', `the body must be at most ${limitBytes} bytes`);
}

export async function readRawBody(request: HttpRequest, limitBytes: number): Promise<HttpCheck<Uint8Array>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limitBytes)
    return { ok: false, response: tooLarge(limitBytes) };
  const body = request.body;
  if (body === null) return { ok: true, value: new Uint8Array(0) };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      return { ok: false, response: tooLarge(limitBytes) };
    }
    chunks.push(value);
  }
  return { ok: true, value: chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size) };
}

export function parseJson(bytes: Uint8Array): HttpCheck<unknown> {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '')
    return {
      ok: false,
      response: validationProblem('the request body is empty; a JSON document is required', [
        { path: '', message: 'is required' },
      ]),
    };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    return {
      ok: false,
      response: problem(400, 'malformed-json', 'Body is not JSON', `the request body is not valid JSON: ${reason}`, {
        errors: [{ path: '', message: `is not valid JSON: ${reason}` }],
      }),
    };
  }
}

/** Parses and validates a JSON body with one of the event package's parsers. */
export async function readJsonBody<T>(
  request: HttpRequest,
  limitBytes: number,
  parse: (json: unknown) => Parsed<T>,
  what: string,
): Promise<HttpCheck<T>> {
  const raw = await readRawBody(request, limitBytes);
  if (!raw.ok) return raw;
  const json = parseJson(raw.value);
  if (!json.ok) return json;
  const parsed = parse(json.value);
  if (!parsed.ok) return { ok: false, response: validationProblem(`the body is not a valid ${what}`, parsed.issues) };
  return parsed;
}
