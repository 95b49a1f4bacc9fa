import { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import {
  type NullableString,
  type RpcHttpCookie,
  type RpcHttpData,
  type RpcHttpResponseData,
  type RpcTypedData,
} from './core-types';

function nullable(value: string): NullableString {
  return { value };
}

/** Request headers as the host sends them: lower-case names, repeated values joined, empty values left out. */
export function toNullableHeaders(headers: IncomingHttpHeaders): Record<string, NullableString> {
  const result: Record<string, NullableString> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    if (joined !== '') result[name] = nullable(joined);
  }
  return result;
}

/** Query values as the host sends them: one entry per key, repeated keys joined with ','. */
export function toNullableQuery(search: URLSearchParams): Record<string, NullableString> {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of search) {
    const list = grouped.get(key);
    if (list) list.push(value);
    else grouped.set(key, [value]);
  }
  const result: Record<string, NullableString> = {};
  for (const [key, values] of grouped) result[key] = nullable(values.join(','));
  return result;
}

export function toNullableParams(params: Record<string, string>): Record<string, NullableString> {
  const result: Record<string, NullableString> = {};
  for (const [key, value] of Object.entries(params)) result[key] = nullable(value);
  return result;
}

export function buildRpcHttp(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  search: URLSearchParams,
  params: Record<string, string>,
  body: Buffer | undefined,
): RpcHttpData {
  const http: RpcHttpData = {
    method,
    url,
    nullableHeaders: toNullableHeaders(headers),
    nullableQuery: toNullableQuery(search),
    nullableParams: toNullableParams(params),
  };
  if (body !== undefined && body.length > 0) http.body = { bytes: body };
  return http;
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  if (typeof body.string === 'string') return Buffer.from(body.string);
  if (typeof body.json === 'string') return Buffer.from(body.json);
  return Buffer.alloc(0);
}

function expiresDate(expires: NonNullable<RpcHttpCookie['expires']>['value']): Date | undefined {
  if (expires === null || expires === undefined) return undefined;
  if (expires instanceof Date) return expires;
  if (typeof expires === 'number' || typeof expires === 'string') return new Date(expires);
  if (expires.seconds !== undefined)
    return new Date(Number(expires.seconds) * 1000 + Math.floor((expires.nanos ?? 0) / 1e6));
  return undefined;
}

/** Set-Cookie as ASP.NET Core writes it for the host (`Response.Cookies.Append`): escaped name/value, lower-case attributes, path defaulting to "/". */
export function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${encodeURIComponent(cookie.name ?? '')}=${encodeURIComponent(cookie.value ?? '')}`];
  const expires = expiresDate(cookie.expires?.value);
  if (expires && !Number.isNaN(expires.getTime())) parts.push(`expires=${expires.toUTCString()}`);
  if (typeof cookie.maxAge?.value === 'number') parts.push(`max-age=${Math.trunc(cookie.maxAge.value)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  parts.push(`path=${cookie.path?.value || '/'}`);
  if (cookie.secure?.value === true) parts.push('secure');
  if (cookie.sameSite === 'lax' || cookie.sameSite === 'strict') parts.push(`samesite=${cookie.sameSite}`);
  else if (cookie.sameSite === 'explicitNone') parts.push('samesite=none');
  if (cookie.httpOnly?.value === true) parts.push('httponly');
  return parts.join('; ');
}

/** Writes the library's RPC HTTP response to the client. */
export function writeRpcHttpResponse(res: ServerResponse, http: RpcHttpResponseData): void {
  const status = Number(http.statusCode ?? '200');
  res.statusCode = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    // The body is re-framed here; a handler's own framing headers would contradict it.
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    res.setHeader(name, value);
  }
  const cookies = (http.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) {
    const existing = res.getHeader('set-cookie');
    const previous = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader('set-cookie', [...previous, ...cookies]);
  }
  const bytes = bodyBytes(http.body);
  if (res.statusCode === 204 || res.statusCode === 304 || res.req.method === 'HEAD') {
    res.end();
    return;
  }
  res.setHeader('content-length', bytes.length);
  res.end(bytes);
}

/** A response with no body: 401, 404, 413, 500 and 204 are all empty on the real host. */
export function writeEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  if (status !== 204 && status !== 304) res.setHeader('content-length', 0);
  res.end();
}
