// One table of requests and the responses the real Functions host gives for them, run against the
// fixture app in both HTTP modes: buffered (default) and streaming (app.setup({ enableHttpStream: true })).
// `ref` names where the behaviour comes from: `host` = the Functions host's HTTP handling
// (https://github.com/Azure/azure-functions-host, src/WebJobs.Script.WebHost/Middleware, and
// https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger), `worker` =
// the Node.js worker and library (https://github.com/Azure/azure-functions-nodejs-worker,
// https://github.com/Azure/azure-functions-nodejs-library), `Core Tools` = local conventions.
import { fixedKeys, startFixture, type StartedFixture } from './fixture';
import { send, type RawRequest } from './http-client';

type Mode = 'buffered' | 'streaming';
type Expected = string | RegExp;

interface Row {
  name: string;
  ref: string;
  request: RawRequest & { key?: 'function' | 'master' | 'wrong'; keyVia?: 'header' | 'query' };
  status: number;
  /** Exact text, a pattern, or parsed JSON. Omitted with `empty`. */
  body?: Expected | { json: unknown };
  empty?: boolean;
  headers?: Record<string, Expected>;
  only?: Mode;
}

const bodyLimit = 2048;

const table: Row[] = [
  // Routing (host Routing)
  {
    name: 'route defaults to the function name under routePrefix',
    ref: 'host routing',
    request: { path: '/fx/hello' },
    status: 200,
    body: 'Hello, world',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
  },
  {
    name: 'query string reaches the handler',
    ref: 'worker nullableQuery',
    request: { path: '/fx/hello?name=Ada' },
    status: 200,
    body: 'Hello, Ada',
  },
  {
    name: 'matching is case-insensitive',
    ref: 'host routing',
    request: { path: '/FX/Hello' },
    status: 200,
    body: 'Hello, world',
  },
  {
    name: 'trailing slash matches',
    ref: 'host routing (ASP.NET templates)',
    request: { path: '/fx/hello/' },
    status: 200,
  },
  {
    name: 'host.json routePrefix replaces "api"',
    ref: 'host routePrefix',
    request: { path: '/api/hello' },
    status: 404,
    empty: true,
  },
  {
    name: 'wrong method is 404, not 405',
    ref: 'host HttpMethodRouteConstraint',
    request: { method: 'POST', path: '/fx/hello', body: 'x' },
    status: 404,
    empty: true,
  },
  {
    name: 'unmatched route is 404 with empty body',
    ref: 'host / worker',
    request: { path: '/fx/does-not-exist' },
    status: 404,
    empty: true,
  },
  {
    name: 'reserved admin route is 404',
    ref: 'host ReservedRouteGuardMiddleware',
    request: { path: '/admin/host/status', key: 'master' },
    status: 404,
    empty: true,
  },
  // Constraints and optional parameters
  {
    name: '{name:alpha} takes letters',
    ref: 'host constraints',
    request: { path: '/fx/items/abc' },
    status: 200,
    body: { json: { name: 'abc', by: 'name' } },
  },
  {
    name: '{id:int} takes digits (function key in header)',
    ref: 'host constraints + authLevel',
    request: { path: '/fx/items/42', key: 'function' },
    status: 200,
    body: { json: { id: '42', by: 'id' } },
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'neither int nor alpha is 404',
    ref: 'host constraints',
    request: { path: '/fx/items/4x2', key: 'function' },
    status: 404,
    empty: true,
  },
  {
    name: 'int overflow is not an int',
    ref: 'host constraints (int = Int32)',
    request: { path: '/fx/items/99999999999', key: 'function' },
    status: 404,
    empty: true,
  },
  {
    name: 'optional {id:int?} absent is left out of params',
    ref: 'worker nullableParams',
    request: { path: '/fx/products/cars' },
    status: 200,
    body: { json: { category: 'cars', id: null } },
  },
  {
    name: 'optional {id:int?} present',
    ref: 'host docs example products/{category:alpha}/{id:int?}',
    request: { path: '/fx/products/cars/7' },
    status: 200,
    body: { json: { category: 'cars', id: '7' } },
  },
  {
    name: 'optional int rejects letters',
    ref: 'host constraints',
    request: { path: '/fx/products/cars/seven' },
    status: 404,
    empty: true,
  },
  {
    name: 'alpha rejects digits',
    ref: 'host constraints',
    request: { path: '/fx/products/7' },
    status: 404,
    empty: true,
  },
  {
    name: 'catch-all takes the rest of the path',
    ref: 'host {*rest}',
    request: { path: '/fx/files/a/b/c.txt' },
    status: 200,
    body: 'path=a/b/c.txt',
  },
  { name: 'catch-all may be empty', ref: 'host {*rest}', request: { path: '/fx/files' }, status: 200, body: 'path=' },
  {
    name: 'guid constraint accepts a GUID',
    ref: 'host constraints',
    request: { path: '/fx/guid/3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
    status: 200,
    body: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  },
  {
    name: 'guid constraint rejects other text',
    ref: 'host constraints',
    request: { path: '/fx/guid/not-a-guid' },
    status: 404,
    empty: true,
  },
  { name: 'range(1,10) accepts 5', ref: 'host constraints', request: { path: '/fx/range/5' }, status: 200, body: '5' },
  {
    name: 'range(1,10) rejects 11',
    ref: 'host constraints',
    request: { path: '/fx/range/11' },
    status: 404,
    empty: true,
  },
  {
    name: 'regex constraint (escaped braces) accepts',
    ref: 'host constraints',
    request: { path: '/fx/codes/ab12' },
    status: 200,
    body: 'ab12',
  },
  {
    name: 'regex constraint is case-insensitive',
    ref: 'host (ASP.NET regex constraint)',
    request: { path: '/fx/codes/AB12' },
    status: 200,
    body: 'AB12',
  },
  {
    name: 'regex constraint rejects',
    ref: 'host constraints',
    request: { path: '/fx/codes/abc12' },
    status: 404,
    empty: true,
  },
  { name: 'bool constraint', ref: 'host constraints', request: { path: '/fx/flags/TRUE' }, status: 200, body: 'TRUE' },
  {
    name: 'bool constraint rejects',
    ref: 'host constraints',
    request: { path: '/fx/flags/yes' },
    status: 404,
    empty: true,
  },
  { name: 'default value {lang=en}', ref: 'host {id=x}', request: { path: '/fx/lang' }, status: 200, body: 'lang=en' },
  {
    name: 'default value overridden',
    ref: 'host {id=x}',
    request: { path: '/fx/lang/fr' },
    status: 200,
    body: 'lang=fr',
  },
  {
    name: 'complex segment {name}.{ext:alpha}',
    ref: 'host routing (ASP.NET templates)',
    request: { path: '/fx/download/report.pdf' },
    status: 200,
    body: { json: { name: 'report', ext: 'pdf' } },
  },
  {
    name: 'ESM entry point, optional param absent',
    ref: 'worker ESM loading',
    request: { path: '/fx/esm' },
    status: 200,
    body: 'esm:anonymous',
  },
  {
    name: 'ESM entry point, optional param present',
    ref: 'worker ESM loading',
    request: { path: '/fx/esm/bob' },
    status: 200,
    body: 'esm:bob',
  },
  {
    name: 'percent-encoded route value is decoded',
    ref: 'host routing',
    request: { path: '/fx/esm/J%C3%BCrgen' },
    status: 200,
    body: 'esm:Jürgen',
  },
  // Methods
  { name: 'listed method GET', ref: 'host methods', request: { path: '/fx/multi' }, status: 200, body: 'GET' },
  {
    name: 'listed method PUT',
    ref: 'host methods',
    request: { method: 'PUT', path: '/fx/multi', body: 'x' },
    status: 200,
    body: 'PUT',
  },
  {
    name: 'HEAD is not GET: 404',
    ref: 'host HttpMethodRouteConstraint',
    request: { method: 'HEAD', path: '/fx/hello' },
    status: 404,
    empty: true,
  },
  {
    name: 'unlisted method is 404',
    ref: 'host methods',
    request: { method: 'DELETE', path: '/fx/multi' },
    status: 404,
    empty: true,
  },
  {
    name: 'app.http without methods: library fills GET+POST (POST ok)',
    ref: 'worker',
    request: { method: 'POST', path: '/fx/default-methods', body: 'x' },
    status: 200,
    body: 'POST',
  },
  {
    name: 'app.http without methods: DELETE is 404',
    ref: 'worker',
    request: { method: 'DELETE', path: '/fx/default-methods' },
    status: 404,
    empty: true,
  },
  // Keys (host authLevel)
  {
    name: 'function level without key is 401, empty body',
    ref: 'host authLevel',
    request: { path: '/fx/items/1' },
    status: 401,
    empty: true,
  },
  {
    name: 'function key in ?code=',
    ref: 'host authLevel',
    request: { path: '/fx/items/1', key: 'function', keyVia: 'query' },
    status: 200,
  },
  {
    name: 'master key satisfies function level',
    ref: 'host authLevel',
    request: { path: '/fx/items/1', key: 'master' },
    status: 200,
  },
  {
    name: 'the header key is used even when ?code= holds a good one',
    ref: 'host authLevel (x-functions-key, else code)',
    request: {
      path: `/fx/items/1?code=${fixedKeys.functionKey}`,
      headers: { 'x-functions-key': 'not-a-valid-key-0000000000' },
    },
    status: 401,
    empty: true,
  },
  {
    name: 'wrong key is 401',
    ref: 'host authLevel',
    request: { path: '/fx/items/1', key: 'wrong' },
    status: 401,
    empty: true,
  },
  {
    name: 'admin level rejects the function key',
    ref: 'host authLevel',
    request: { path: '/fx/secret', key: 'function' },
    status: 401,
    empty: true,
  },
  {
    name: 'admin level accepts the master key (header)',
    ref: 'host authLevel',
    request: { path: '/fx/secret', key: 'master' },
    status: 200,
    body: 'admin ok',
  },
  {
    name: 'admin level accepts the master key (?code=)',
    ref: 'host authLevel',
    request: { path: '/fx/secret', key: 'master', keyVia: 'query' },
    status: 200,
    body: 'admin ok',
  },
  {
    name: 'admin level without key is 401',
    ref: 'host authLevel',
    request: { path: '/fx/secret' },
    status: 401,
    empty: true,
  },
  // Bodies, headers, cookies
  {
    name: 'HttpResponse status, headers, body and cookies; request headers and cookies reach the handler',
    ref: 'worker RpcInvocationResponse',
    request: {
      method: 'POST',
      path: '/fx/echo',
      body: 'hello body',
      headers: { 'content-type': 'text/x-fixture', cookie: 'a=1; b=2' },
    },
    status: 201,
    body: 'hello body',
    headers: {
      'content-type': 'text/x-fixture',
      'x-echo-method': 'POST',
      'x-request-cookie': 'a=1; b=2',
      'set-cookie': /^session=abc%20123; .*path=\/fx/i,
    },
  },
  {
    name: 'cookie attributes',
    ref: 'worker cookies',
    request: { method: 'POST', path: '/fx/echo', body: 'x' },
    status: 201,
    headers: { 'set-cookie': /httponly/i },
  },
  {
    name: 'cookie SameSite',
    ref: 'worker cookies',
    request: { method: 'POST', path: '/fx/echo', body: 'x' },
    status: 201,
    headers: { 'set-cookie': /samesite=strict/i },
  },
  {
    name: 'request URL is absolute',
    ref: 'worker url',
    request: { method: 'POST', path: '/fx/echo?x=1', body: 'x' },
    status: 201,
    headers: { 'x-url': /^http:\/\/127\.0\.0\.1:\d+\/fx\/echo\?x=1$/ },
  },
  {
    name: 'repeated query keys arrive joined (buffered: host nullableQuery)',
    ref: 'worker nullableQuery',
    request: { method: 'POST', path: '/fx/echo?tag=a&tag=b', body: 'x' },
    status: 201,
    headers: { 'x-query-tag': 'a,b' },
    only: 'buffered',
  },
  {
    name: 'repeated query keys: first value (streaming: library parses the URL)',
    ref: 'worker streaming (Query ignored)',
    request: { method: 'POST', path: '/fx/echo?tag=a&tag=b', body: 'x' },
    status: 201,
    headers: { 'x-query-tag': 'a' },
    only: 'streaming',
  },
  {
    name: 'JSON in, jsonBody out',
    ref: 'worker',
    request: { method: 'POST', path: '/fx/json', body: '{"x":1}', headers: { 'content-type': 'application/json' } },
    status: 202,
    body: { json: { received: { x: 1 } } },
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'invalid JSON makes the handler throw: 500, empty',
    ref: 'host errors',
    request: { method: 'POST', path: '/fx/json', body: 'not json' },
    status: 500,
    empty: true,
  },
  // Errors and empty results
  {
    name: 'handler throws: 500, empty body',
    ref: 'host errors',
    request: { path: '/fx/throws' },
    status: 500,
    empty: true,
  },
  {
    name: 'handler throws a non-Error: 500, empty body',
    ref: 'worker (anything thrown is an error)',
    request: { path: '/fx/throws-string' },
    status: 500,
    empty: true,
  },
  {
    name: 'postInvocation hook clears the error and sets the result',
    ref: 'host errors (hooks can replace the error)',
    request: { path: '/fx/recovers' },
    status: 200,
    body: 'recovered by postInvocation',
  },
  {
    name: 'handler returns nothing: 204',
    ref: 'worker (default HTTP result 204)',
    request: { path: '/fx/nothing' },
    status: 204,
    empty: true,
  },
  {
    name: 'registering a function after startup fails the invocation',
    ref: 'worker registerFunction locked after startup',
    request: { path: '/fx/late-register' },
    status: 500,
    empty: true,
  },
  {
    name: 'handler returns a non-response: 500',
    ref: 'worker toRpcHttp',
    request: { path: '/fx/bad-return' },
    status: 500,
    empty: true,
  },
  // Hooks
  {
    name: 'appStart ran; preInvocation replaced the handler; postInvocation saw the same hookData',
    ref: 'worker hooks',
    request: { path: '/fx/hook-info' },
    status: 200,
    body: { json: { ok: true } },
    headers: { 'x-app-start': 'yes', 'x-post-invocation': 'saw-pre' },
  },
  // Configuration
  {
    name: 'local.settings.json Values reach process.env; existing variables win',
    ref: 'Core Tools local.settings.json',
    request: { path: '/fx/settings' },
    status: 200,
    body: /"greeting":"hello from local.settings.json","overridden":"from the environment"/,
  },
  // Body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, here 2048 bytes)
  {
    name: 'body at the limit is accepted',
    ref: 'host limits',
    request: { method: 'POST', path: '/fx/upload', body: Buffer.alloc(bodyLimit, 1) },
    status: 200,
    body: { json: { bytes: bodyLimit } },
  },
  {
    name: 'body over the limit (Content-Length) is 413',
    ref: 'host limits',
    request: { method: 'POST', path: '/fx/upload', body: Buffer.alloc(bodyLimit + 1, 1) },
    status: 413,
    empty: true,
  },
  {
    name: 'chunked body over the limit is 413',
    ref: 'host limits',
    request: { method: 'POST', path: '/fx/upload', body: Buffer.alloc(bodyLimit * 4, 1), chunked: true },
    status: 413,
    empty: true,
  },
  {
    name: 'chunked body without Content-Length arrives empty (buffered)',
    ref: 'worker body only if Content-Length > 0',
    request: { method: 'POST', path: '/fx/upload', body: 'chunked!', chunked: true },
    status: 200,
    body: { json: { bytes: 0 } },
    only: 'buffered',
  },
  {
    name: 'chunked body streams through (streaming)',
    ref: 'host streaming',
    request: { method: 'POST', path: '/fx/upload', body: 'chunked!', chunked: true },
    status: 200,
    body: { json: { bytes: 8 } },
    only: 'streaming',
  },
  // Streamed response bodies are buffered or relayed, but the client sees the same bytes.
  {
    name: 'ReadableStream response body',
    ref: 'host streaming',
    request: { path: '/fx/slow-stream' },
    status: 200,
    body: 'first;second',
    headers: { 'content-type': 'text/plain' },
  },
];

function matches(actual: string | string[] | undefined, expected: Expected): boolean {
  const value = Array.isArray(actual) ? actual.join('\n') : actual;
  if (value === undefined) return false;
  return typeof expected === 'string' ? value === expected : expected.test(value);
}

describe.each<Mode>(['buffered', 'streaming'])('local Functions host conformance (%s)', (mode) => {
  let fixture: StartedFixture;

  beforeAll(async () => {
    fixture = await startFixture({
      env: {
        FIXTURE_HTTP_STREAM: String(mode === 'streaming'),
        FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(bodyLimit),
        FIXTURE_OVERRIDDEN: 'from the environment',
      },
      logLevel: 'warning',
    });
    expect(fixture.host.streaming).toBe(mode === 'streaming');
  });
  afterAll(async () => {
    await fixture.stop();
  });

  afterAll(() => {
    // Errors are expected from throwing handlers; a failure inside the host itself never is.
    expect(fixture.logs.filter((entry) => entry.message.startsWith('Request failed in the host'))).toEqual([]);
  });

  const rows = table.filter((row) => row.only === undefined || row.only === mode);
  test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { key, keyVia, ...spec } = row.request;
    const headers = { ...spec.headers };
    let path = spec.path;
    if (key) {
      const value =
        key === 'function'
          ? fixedKeys.functionKey
          : key === 'master'
            ? fixedKeys.masterKey
            : 'not-a-valid-key-0000000000';
      if (keyVia === 'query') path += `${path.includes('?') ? '&' : '?'}code=${value}`;
      else headers['x-functions-key'] = value;
    }
    const response = await send(fixture.host.url, { ...spec, path, headers });
    const text = response.body.toString('utf8');
    expect({ status: response.status, text }).toEqual({ status: row.status, text: expect.anything() as unknown });
    if (row.empty) expect(text).toBe('');
    if (row.body !== undefined) {
      if (typeof row.body === 'string') expect(text).toBe(row.body);
      else if (row.body instanceof RegExp) expect(text).toMatch(row.body);
      else expect(JSON.parse(text)).toEqual(row.body.json);
    }
    for (const [name, expected] of Object.entries(row.headers ?? {})) {
      expect({ header: name, ok: matches(response.headers[name], expected), value: response.headers[name] }).toEqual({
        header: name,
        ok: true,
        value: response.headers[name],
      });
    }
  });
});
