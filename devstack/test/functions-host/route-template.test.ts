import { type RegisteredFunction } from '../../src/functions-host/core-api';
import { buildRouteTable, matchRoute } from '../../src/functions-host/route-table';
import { decodePath, parseRouteTemplate } from '../../src/functions-host/route-template';

function fn(name: string, binding: Record<string, unknown>): RegisteredFunction {
  return {
    id: name,
    callback: () => undefined,
    metadata: {
      name,
      bindings: {
        trigger: { type: 'httpTrigger', direction: 'in', ...binding },
        $return: { type: 'http', direction: 'out' },
      },
    },
  };
}

describe('route templates', () => {
  test.each([
    ['items/{id:int}', 'items/12', { id: '12' }],
    ['items/{id:long}', 'items/9223372036854775807', { id: '9223372036854775807' }],
    ['items/{id:min(10)}', 'items/10', { id: '10' }],
    ['items/{id:max(10)}', 'items/-3', { id: '-3' }],
    ['codes/{c:length(2,3)}', 'codes/abc', { c: 'abc' }],
    ['codes/{c:minlength(2):maxlength(2)}', 'codes/ab', { c: 'ab' }],
    ['at/{d:datetime}', 'at/2026-11-27', { d: '2026-11-27' }],
    ['n/{x:decimal}', 'n/-1.25', { x: '-1.25' }],
    ['n/{x:double}', 'n/1e3', { x: '1e3' }],
    ['{a}/{b?}', 'one', { a: 'one' }],
    ['{a=x}/{b=y}', '', { a: 'x', b: 'y' }],
    ['~/rooted/{a}', 'rooted/v', { a: 'v' }],
    ['files/{**rest}', 'files/a/b', { rest: 'a/b' }],
    ['{name}.{ext}', 'archive.tar.gz', { name: 'archive', ext: 'tar.gz' }],
  ])('%s matches %s', (template, path, expected) => {
    expect(parseRouteTemplate(template).match(path)).toEqual(expected);
  });

  test.each([
    ['items/{id:int}', 'items/2147483648'],
    ['items/{id:min(10)}', 'items/9'],
    ['codes/{c:length(2,3)}', 'codes/abcd'],
    ['at/{d:datetime}', 'at/not-a-date'],
    ['n/{x:decimal}', 'n/1.2.3'],
    ['{a}/{b}', 'one'],
    ['items/{id}', 'items/a/b'],
    ['items', 'items/extra'],
  ])('%s does not match %s', (template, path) => {
    expect(parseRouteTemplate(template).match(path)).toBeNull();
  });

  test.each([
    ['items/{id:nope}', /Unknown route constraint "nope"/],
    ['items/{id?}/more', /optional parameter must be at the end/],
    ['{*rest}/more', /catch-all parameter must be last/],
    ['{a}/{A}', /appears twice/],
    ['items/{id', /unclosed/],
    ['items/id}', /unmatched/],
    ['{a}{b}', /literal between them/],
    ['items/{id:range(1)}', /needs 2 integer/],
    ['a//b', /empty segment/],
  ])('%s is rejected', (template, message) => {
    expect(() => parseRouteTemplate(template)).toThrow(message);
  });

  test('decodePath decodes escapes but keeps an encoded slash inside a segment', () => {
    expect(decodePath('/a%20b/c%2Fd')).toBe('/a b/c%2Fd');
    expect(decodePath('/bad%E0%A4%A')).toBeNull();
  });
});

describe('route table', () => {
  const { routes, listing } = buildRouteTable(
    [
      fn('byName', { route: 'items/{name}', methods: ['GET'] }),
      fn('byId', { route: 'items/{id:int}', methods: ['get'], authLevel: 'function' }),
      fn('newItem', { route: 'items/new', methods: ['GET'] }),
      fn('rest', { route: 'items/{*rest}' }),
      fn('noRoute', { methods: ['POST'] }),
      {
        id: 'timer',
        callback: () => undefined,
        metadata: { name: 'timer', bindings: { t: { type: 'timerTrigger', direction: 'in' } } },
      },
    ],
    'api',
  );

  test('literal beats constrained beats plain parameter beats catch-all, regardless of registration order', () => {
    expect(matchRoute(routes, 'GET', '/api/items/new')?.route.functionName).toBe('newItem');
    expect(matchRoute(routes, 'GET', '/api/items/7')?.route.functionName).toBe('byId');
    expect(matchRoute(routes, 'GET', '/api/items/seven')?.route.functionName).toBe('byName');
    expect(matchRoute(routes, 'GET', '/api/items/a/b')?.route.functionName).toBe('rest');
  });

  test('a route that matches only by path falls through to the next one, or to no match', () => {
    expect(matchRoute(routes, 'DELETE', '/api/items/seven')?.route.functionName).toBe('rest');
    expect(matchRoute(routes, 'GET', '/api/noRoute')).toBeNull();
    expect(matchRoute(routes, 'POST', '/api/noroute')?.route.functionName).toBe('noRoute');
  });

  test('reserved host paths never reach functions', () => {
    const { routes: rootRoutes } = buildRouteTable([fn('catchAll', { route: '{*all}' })], '');
    expect(matchRoute(rootRoutes, 'GET', '/admin/functions')).toBeNull();
    expect(matchRoute(rootRoutes, 'GET', '/runtime/webhooks/x')).toBeNull();
    expect(matchRoute(rootRoutes, 'GET', '/administrator')?.route.functionName).toBe('catchAll');
  });

  test('the listing has every function with methods, auth level and full route', () => {
    expect(listing).toContainEqual({
      name: 'byId',
      trigger: 'httpTrigger',
      methods: ['GET'],
      authLevel: 'function',
      route: 'api/items/{id:int}',
    });
    expect(listing).toContainEqual({
      name: 'noRoute',
      trigger: 'httpTrigger',
      methods: ['POST'],
      authLevel: 'anonymous',
      route: 'api/noRoute',
    });
    expect(listing).toContainEqual({ name: 'timer', trigger: 'timerTrigger', methods: [] });
  });

  test('an unsupported auth level or a bad template names the function', () => {
    expect(() => buildRouteTable([fn('odd', { authLevel: 'system' })], 'api')).toThrow(
      /Function "odd": authLevel "system"/,
    );
    expect(() => buildRouteTable([fn('bad', { route: 'x/{id:nope}' })], 'api')).toThrow(
      /Function "bad": .*Unknown route constraint/,
    );
  });
});
