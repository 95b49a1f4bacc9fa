// The HTTP side of the node: routing to the API (http-api.ts), flask-cors headers on every response, Flask's
// automatic HEAD/OPTIONS and 405s, injected faults, and the optional /admin endpoint (which faults never touch).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleAdmin, type AdminStatus } from './admin-api';
import { ROUTES, type ApiContext } from './http-api';
import { htmlNotFound, makeError, restfulError, send, type HttpReply } from './http-responses';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const CORS_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

class BodyTooLarge extends Error {}

function bodyReader(req: IncomingMessage): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () =>
    (pending ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new BodyTooLarge());
          req.destroy();
        } else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    }));
}

/** flask-cors defaults (origins "*", send_wildcard False, always_send True). */
function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  } else {
    res.setHeader('Access-Control-Allow-Origin', '*');
  }
  const requestedMethod = req.headers['access-control-request-method'];
  if (req.method === 'OPTIONS' && requestedMethod) {
    const requestedHeaders = req.headers['access-control-request-headers'];
    if (requestedHeaders) res.setHeader('Access-Control-Allow-Headers', requestedHeaders);
    if (CORS_METHODS.split(', ').includes(requestedMethod.toUpperCase()))
      res.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
  }
}

export interface HttpServerOptions {
  admin: boolean;
  status: () => AdminStatus;
}

async function route(
  ctx: ApiContext,
  req: IncomingMessage,
  url: URL,
  readBody: () => Promise<Buffer>,
): Promise<HttpReply> {
  const method = req.method ?? 'GET';
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return htmlNotFound();
  }
  for (const r of ROUTES) {
    const match = r.pattern.exec(path);
    if (!match) continue;
    const allowed = (): string => [...Object.keys(r.handlers), 'HEAD', 'OPTIONS'].sort().join(', ');
    if (method === 'OPTIONS')
      return { status: 200, body: '', contentType: 'text/html; charset=utf-8', headers: { Allow: allowed() } };
    const handler = r.handlers[method === 'HEAD' ? 'GET' : (method as 'GET' | 'POST')];
    if (!handler) return restfulError(405, 'The method is not allowed for the requested URL.', { Allow: allowed() });
    return handler(ctx, { params: match.slice(1), query: url.searchParams, readBody });
  }
  return htmlNotFound();
}

export function createHttpServer(ctx: ApiContext, options: HttpServerOptions): Server {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const readBody = bodyReader(req);
    setCorsHeaders(req, res);
    const respond = async (): Promise<HttpReply> => {
      if (options.admin && (url.pathname === '/admin' || url.pathname.startsWith('/admin/'))) {
        return handleAdmin(req.method ?? 'GET', url.pathname, url.searchParams, readBody, ctx.faults, options.status);
      }
      if (ctx.faults.httpUnavailable()) return makeError(503, 'Service Unavailable (injected fault)');
      const delay = ctx.faults.httpDelay();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return route(ctx, req, url, readBody);
    };
    respond()
      .catch((error: unknown) =>
        error instanceof BodyTooLarge
          ? restfulError(413, 'The data value transmitted exceeds the capacity limit.')
          : restfulError(500, 'Internal Server Error'),
      )
      .then((reply) => {
        if (!res.destroyed) send(res, reply, req.method === 'HEAD');
      })
      .catch(() => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
