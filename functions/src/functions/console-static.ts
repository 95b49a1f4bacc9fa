// GET /api/console/{*file}: the console's built files (console/dist), served by the Function App
// itself so the page and its API share one origin and one sign-in. Anonymous: the page holds no
// data; every data call goes through the signed-in gateway (console-api.ts). Hashed assets are
// cached for a year, index.html never; a strict Content-Security-Policy allows only this origin.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { CONSOLE_PATH } from '../console/staff-principal';

/** The Function App's root: the nearest folder up from this file that holds host.json (the repository, or the unpacked package). */
function appRootOf(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'host.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** Where `npm run build` puts the console; the package carries it at the same place under its root. */
export const CONSOLE_DIST = path.join(appRootOf(__dirname), 'console', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** A path inside the dist folder, or undefined for anything that tries to leave it. */
export function consoleFile(root: string, requested: string): string | undefined {
  const relative = requested === '' || requested.endsWith('/') ? `${requested}index.html` : requested;
  if (relative.includes('\0') || relative.split('/').some((segment) => segment === '..')) return undefined;
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : undefined;
}

export function consoleStaticHandler(root: string = CONSOLE_DIST): HttpHandler {
  const cache = new Map<string, Buffer>();
  return async (request): Promise<HttpResponseInit> => {
    const requested = request.params.file ?? '';
    // Relative asset URLs need the trailing slash.
    if (requested === '' && !new URL(request.url).pathname.endsWith('/'))
      return { status: 301, headers: { location: CONSOLE_PATH } };
    const file = consoleFile(root, requested);
    const type = file && CONTENT_TYPES[path.extname(file)];
    if (!file || !type)
      return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
    let body = cache.get(file);
    if (!body) {
      try {
        body = await readFile(file);
      } catch {
        const hint = file.endsWith('index.html') ? ' (the console is not built: run npm run build)' : '';
        return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `not found${hint}` };
      }
      cache.set(file, body);
    }
    const immutable = requested.startsWith('assets/');
    return {
      status: 200,
      headers: {
        'content-type': type,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...SECURITY_HEADERS,
      },
      body,
    };
  };
}

app.http('console-static', {
  route: 'console/{*file}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: consoleStaticHandler(),
});
