// Every call goes to the Function App's console gateway, same origin, with the sign-in cookie the
// platform (or the local dev stand-in) set: the browser never holds a function key.
import type { Problem } from './types';

/** Relative to the page (/api/console/): the gateway is /api/console-api/. */
const GATEWAY = new URL('../console-api/', document.baseURI);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export function gatewayUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(path, GATEWAY);
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  return url.toString();
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ApiError(response.status, body as Partial<Problem> | undefined);
  return body as T;
}

export async function getJson<T>(
  path: string,
  query?: Record<string, string | number | undefined>,
  signal?: AbortSignal,
): Promise<T> {
  return parse<T>(
    await fetch(gatewayUrl(path, query), {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      ...(signal ? { signal } : {}),
    }),
  );
}

/** Changes carry x-console-request: the gateway refuses changes without it (no cross-site forms). */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(
    await fetch(gatewayUrl(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-console-request': '1' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    }),
  );
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.problem?.errors?.map((issue) => `${issue.path || 'body'}: ${issue.message}`).join('; ');
    return `${error.problem?.title ?? `HTTP ${error.status}`}: ${error.message}${details ? ` (${details})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
