// The Function App's body reading on real requests: a body over the limit is refused from its
// Content-Length without reading it, and a body without one (chunked) is read only up to the limit.
import { HttpRequest } from '@azure/functions';
import { readRawBody } from '../src/http/request-body';

const LIMIT = 64 * 1024;
const CHUNK = 8 * 1024;

/** A request whose body is produced on demand; `pulled()` says how many bytes the reader took. */
function streamedRequest(
  totalBytes: number,
  headers: Record<string, string> = {},
): { request: HttpRequest; pulled: () => number } {
  let produced = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= totalBytes) {
          controller.close();
          return;
        }
        const size = Math.min(CHUNK, totalBytes - produced);
        produced += size;
        controller.enqueue(new Uint8Array(size).fill(0x20));
      },
    },
    { highWaterMark: 0 },
  );
  const url = 'http://127.0.0.1/api/ownership-changes';
  const nativeRequest = new Request(url, { method: 'POST', body, headers, duplex: 'half' });
  // The library builds streamed requests this way (nativeRequest) when the host forwards the raw HTTP stream.
  const request = new HttpRequest({ method: 'POST', url, headers, nativeRequest } as ConstructorParameters<
    typeof HttpRequest
  >[0]);
  return { request, pulled: () => produced };
}

describe('readRawBody', () => {
  it('refuses a declared Content-Length over the limit with 413 before reading a byte', async () => {
    const { request, pulled } = streamedRequest(10 * LIMIT, { 'content-length': String(10 * LIMIT) });
    const result = await readRawBody(request, LIMIT);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(413);
    expect(pulled()).toBe(0);
  });

  it('cuts a body without Content-Length at the limit: 413 after reading at most one chunk past it', async () => {
    const { request, pulled } = streamedRequest(1_000 * LIMIT);
    const result = await readRawBody(request, LIMIT);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(413);
    expect(pulled()).toBeGreaterThan(LIMIT);
    expect(pulled()).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
  });

  it('returns every byte of a streamed body within the limit, and of one of exactly the limit', async () => {
    for (const size of [0, CHUNK + 3, LIMIT]) {
      const { request } = streamedRequest(size);
      const result = await readRawBody(request, LIMIT);
      expect(result).toEqual({ ok: true, value: expect.any(Uint8Array) });
      if (result.ok) expect(result.value.byteLength).toBe(size);
    }
  });
});
