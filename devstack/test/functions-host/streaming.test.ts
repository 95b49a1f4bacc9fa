import { request } from 'node:http';
import { startFixture, type StartedFixture } from './fixture';
import { send } from './http-client';

interface Timed {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  /** ms from request start to the first body byte and to the end. */
  firstByteMs: number;
  endMs: number;
}

function timedGet(url: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let firstByteMs = -1;
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = performance.now() - started;
        body += chunk.toString();
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          firstByteMs,
          endMs: performance.now() - started,
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTP streaming (app.setup({ enableHttpStream: true }))', () => {
  let fixture: StartedFixture;
  beforeAll(async () => {
    fixture = await startFixture({ env: { FIXTURE_HTTP_STREAM: 'true' }, logLevel: 'warning' });
  });
  afterAll(async () => {
    await fixture.stop();
  });

  test('response chunks reach the client as the handler produces them', async () => {
    const timed = await timedGet(`${fixture.host.url}/fx/slow-stream`);
    expect(timed.status).toBe(200);
    expect(timed.body).toBe('first;second');
    // The handler waits 400 ms between its two chunks: the first one must arrive well before the end.
    expect(timed.endMs - timed.firstByteMs).toBeGreaterThan(250);
    expect(timed.headers['transfer-encoding']).toBe('chunked');
    expect(timed.headers['x-ms-invocation-id']).toBeUndefined();
  });

  test('a large request body streams to the handler (under the default 100 MB limit)', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const response = await send(fixture.host.url, { method: 'POST', path: '/fx/upload', body });
    expect([response.status, JSON.parse(response.body.toString())]).toEqual([200, { bytes: body.length }]);
  });

  test('concurrent streamed invocations do not mix up their responses', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `caller${i}`);
    const responses = await Promise.all(names.map((name) => send(fixture.host.url, { path: `/fx/esm/${name}` })));
    expect(responses.map((response) => response.body.toString())).toEqual(names.map((name) => `esm:${name}`));
  });
});

describe('without streaming', () => {
  test('the library buffers the body: the client gets it in one piece after the handler finished', async () => {
    const fixture = await startFixture({ logLevel: 'warning' });
    try {
      const timed = await timedGet(`${fixture.host.url}/fx/slow-stream`);
      expect(timed.body).toBe('first;second');
      expect(timed.firstByteMs).toBeGreaterThan(350);
      expect(timed.headers['content-length']).toBe('12');
    } finally {
      await fixture.stop();
    }
  });
});
