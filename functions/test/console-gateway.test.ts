// The console gateway's checks, on real services (Azurite): who is signed in (the platform's
// header, trusted only when App Service authentication is on; the dev stand-in only off App
// Service), which role a route needs, the header changes must carry, and the static files' bounds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpRequest } from '@azure/functions';
import type { ConsoleRoute } from '../src/console/console-routes';
import { consoleApiHandler } from '../src/functions/console-api';
import { consoleFile, consoleStaticHandler } from '../src/functions/console-static';
import { platformPrincipal, signInModeOf } from '../src/console/staff-principal';
import { createTestApp, invoke, type TestApp } from './support/function-app';

const KEY = 'E7pZpQ9rbVMNhpWbgfCqrw2Z6uYJX2nA5xm6VqzcTj7k';
const AZURE = { WEBSITE_AUTH_ENABLED: 'True', WEBSITE_SITE_NAME: 'leaseprem-func' };
const LOCAL = { CONSOLE_DEV_SIGN_IN: 'true' };

function principalHeader(roles: string[], name = 'Ada Underwriter'): string {
  const claims = [{ typ: 'name', val: name }, ...roles.map((val) => ({ typ: 'roles', val }))];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString(
    'base64',
  );
}

function request(
  method: 'GET' | 'POST',
  apiPath: string,
  headers: Record<string, string> = {},
  body?: unknown,
): HttpRequest {
  return new HttpRequest({
    method,
    url: `http://127.0.0.1:7071/api/console-api/${apiPath}`,
    params: { path: apiPath.split('?')[0]! },
    query: Object.fromEntries(new URL(`http://x/${apiPath}`).searchParams),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: { string: JSON.stringify(body) } } : {}),
  });
}

let app: TestApp;
beforeAll(() => {
  app = createTestApp();
});

describe('who is signed in', () => {
  test('the platform header is read only when App Service authentication is on', async () => {
    const header = { 'x-ms-client-principal': principalHeader(['underwriter']) };
    const off = await invoke(consoleApiHandler(app.services, {}), request('GET', 'session', header));
    expect(off.body).toMatchObject({ signedIn: false, signIn: { kind: 'none' } });
    const on = await invoke(consoleApiHandler(app.services, AZURE), request('GET', 'session', header));
    expect(on.body).toMatchObject({
      signedIn: true,
      principal: { name: 'Ada Underwriter', roles: ['underwriter'], via: 'entra-id' },
      signIn: { kind: 'entra-id' },
    });
  });

  test('roles other than viewer and underwriter are ignored; a malformed header signs nobody in', () => {
    expect(platformPrincipal(principalHeader(['admin', 'viewer']))?.roles).toEqual(['viewer']);
    expect(platformPrincipal('not base64 json')).toBeUndefined();
    expect(platformPrincipal(Buffer.from('{"claims": 3}').toString('base64'))).toBeUndefined();
    expect(platformPrincipal('x'.repeat(70_000))).toBeUndefined();
  });

  test('the dev stand-in is refused on App Service, whatever the setting says', () => {
    expect(signInModeOf(LOCAL).kind).toBe('dev-sign-in');
    expect(signInModeOf({ ...LOCAL, WEBSITE_SITE_NAME: 'leaseprem-func' }).kind).toBe('none');
    expect(signInModeOf({ ...LOCAL, ...AZURE }).kind).toBe('entra-id');
  });

  test('dev sign-in sets a cookie naming the role and validates it', async () => {
    const handler = consoleApiHandler(app.services, LOCAL);
    const ok = await invoke(handler, request('POST', 'dev-sign-in', { 'x-console-request': '1' }, { role: 'viewer' }));
    expect(ok.status).toBe(204);
    expect(ok.headers.get('set-cookie')).toMatch(/^console-dev-role=viewer; Path=\/api; HttpOnly; SameSite=Strict/);
    const bad = await invoke(handler, request('POST', 'dev-sign-in', { 'x-console-request': '1' }, { role: 'admin' }));
    expect(bad.status).toBe(400);
    const azure = await invoke(
      consoleApiHandler(app.services, AZURE),
      request('POST', 'dev-sign-in', { 'x-console-request': '1' }, { role: 'underwriter' }),
    );
    expect(azure.status).toBe(404);
  });
});

describe('what each role may do', () => {
  const azure = () => consoleApiHandler(app.services, AZURE);
  const as = (roles: string[]) => ({ 'x-ms-client-principal': principalHeader(roles), 'x-console-request': '1' });

  test('nobody signed in: 401 problem', async () => {
    const result = await invoke(azure(), request('GET', 'vehicles'));
    expect(result.status).toBe(401);
    expect(result.headers.get('content-type')).toBe('application/problem+json');
  });

  test('a viewer reads through the API handlers but may not record a claim (403, nothing stored)', async () => {
    const list = await invoke(azure(), request('GET', 'vehicles?pageSize=5', as(['viewer'])));
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [] });
    const invalid = await invoke(azure(), request('GET', 'vehicles?pageSize=0', as(['viewer'])));
    expect(invalid.status).toBe(400);
    const claim = await invoke(
      azure(),
      request('POST', `drivers/${KEY}/claims`, as(['viewer']), {
        date: '2026-01-05',
        atFault: true,
        amountMinor: 1000,
      }),
    );
    expect(claim.status).toBe(403);
    expect(claim.body).toMatchObject({ type: expect.stringMatching(/role-required$/) });
  });

  test("an underwriter's change reaches the API's own handler (its 404 for an unknown driver)", async () => {
    const claim = await invoke(
      azure(),
      request('POST', `drivers/${KEY}/claims`, as(['underwriter']), {
        date: '2026-01-05',
        atFault: true,
        amountMinor: 1000,
      }),
    );
    expect(claim.status).toBe(404);
    expect(claim.body).toMatchObject({ detail: expect.stringContaining('no driver profile') });
    const invalid = await invoke(
      azure(),
      request('POST', `drivers/${KEY}/claims`, as(['underwriter']), { date: 'yesterday' }),
    );
    expect(invalid.status).toBe(400);
  });

  test('changes without x-console-request are refused before anything runs', async () => {
    const headers = { 'x-ms-client-principal': principalHeader(['underwriter']) };
    const claim = await invoke(
      azure(),
      request('POST', `drivers/${KEY}/claims`, headers, { date: '2026-01-05', atFault: true, amountMinor: 1000 }),
    );
    expect(claim.status).toBe(403);
    expect(claim.body).toMatchObject({ type: expect.stringMatching(/console-request-header$/) });
  });

  test("the route's signedBy field names the signed-in person, whatever the browser sent", async () => {
    const echo: ConsoleRoute = {
      method: 'POST',
      template: 'echo',
      role: 'underwriter',
      signedBy: 'resolvedBy',
      handler: () => async (req) => ({ jsonBody: await req.json() }),
    };
    const handler = consoleApiHandler(app.services, AZURE, [echo]);
    const result = await invoke(
      handler,
      request('POST', 'echo', as(['underwriter']), { decision: 'approve', resolvedBy: 'someone else' }),
    );
    expect(result.body).toEqual({ decision: 'approve', resolvedBy: 'Ada Underwriter' });
  });

  test('unknown routes are 404 and known paths with another method 405', async () => {
    expect((await invoke(azure(), request('GET', 'ownership-changes', as(['underwriter'])))).status).toBe(404);
    expect((await invoke(azure(), request('POST', 'vehicles', as(['underwriter']), {}))).status).toBe(405);
  });
});

describe('the static files', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>console</title>');

  test('paths stay inside the dist folder', () => {
    expect(consoleFile(root, '')).toBe(path.join(root, 'index.html'));
    expect(consoleFile(root, 'assets/index.js')).toBe(path.join(root, 'assets', 'index.js'));
    expect(consoleFile(root, '../secret.txt')).toBeUndefined();
    expect(consoleFile(root, 'assets/../../x.js')).toBeUndefined();
  });

  test('index.html is served with a strict CSP; the bare path redirects to the trailing slash; unknown types are 404', async () => {
    const handler = consoleStaticHandler(root);
    const get = (url: string, file: string) => new HttpRequest({ method: 'GET', url, params: { file } });
    const page = await invoke(handler, get('http://127.0.0.1/api/console/', ''));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const bare = await invoke(handler, get('http://127.0.0.1/api/console', ''));
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/api/console/');
    expect((await invoke(handler, get('http://127.0.0.1/api/console/x.exe', 'x.exe'))).status).toBe(404);
    expect((await invoke(handler, get('http://127.0.0.1/api/console/missing.js', 'missing.js'))).status).toBe(404);
  });
});
