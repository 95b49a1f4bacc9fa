import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type AppRegistry } from './core-api';
import { type RpcInvocationRequest, type RpcTypedData } from './core-types';
import { type HostConfig } from './host-config';
import { type HostLogEntry } from './host-log';
import { runInvocation, type InvocationLogger } from './invocation';
import { isAuthorized, type FunctionKeys } from './keys';
import { declaredLength, readBody } from './request-body';
import { matchRoute, type HttpRoute } from './route-table';
import { decodePath } from './route-template';
import {
  buildRpcHttp,
  toNullableHeaders,
  toNullableParams,
  toNullableQuery,
  writeEmpty,
  writeRpcHttpResponse,
} from './rpc-http';
import { type StreamingProxy } from './streaming-proxy';
import { invocationTraceContext } from './trace-context';

export interface RequestHandlerDeps {
  registry: AppRegistry;
  routes: readonly HttpRoute[];
  config: HostConfig;
  keys: FunctionKeys;
  /** Set when the app enabled HTTP streaming. */
  streaming: StreamingProxy | undefined;
  appLog: InvocationLogger;
  hostLog: (level: HostLogEntry['level'], message: string, functionName?: string, invocationId?: string) => void;
  /** Whether the per-invocation "Executing/Executed" lines are wanted (they cost time on every request). */
  logInvocations: boolean;
}

function presentedKey(req: IncomingMessage, search: URLSearchParams): string | undefined {
  const header = req.headers['x-functions-key'];
  if (typeof header === 'string' && header !== '') return header;
  return search.get('code') ?? undefined;
}

/** Refuses a body over the limit (413, as Kestrel does) and closes the connection so it is not read. */
function rejectTooLarge(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
  writeEmpty(res, 413);
}

function httpInput(route: HttpRoute, data: RpcTypedData): RpcInvocationRequest['inputData'] {
  return [{ name: route.triggerBindingName, data }];
}

export function createRequestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { registry, routes, config, keys, streaming, appLog, hostLog, logInvocations } = deps;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const rawPath = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const search = new URLSearchParams(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1));
    const path = decodePath(rawPath) ?? rawPath;
    const found = matchRoute(routes, method, path);
    if (!found) {
      req.resume();
      writeEmpty(res, 404);
      return;
    }
    const { route, params } = found;
    if (!isAuthorized(route.authLevel, presentedKey(req, search), keys)) {
      req.resume();
      writeEmpty(res, 401);
      return;
    }
    const length = declaredLength(req);
    if (length !== undefined && length > config.bodySizeLimit) {
      rejectTooLarge(res);
      return;
    }
    const registered = registry.functions.get(route.functionId);
    if (!registered) {
      writeEmpty(res, 404);
      return;
    }
    const invocationId = randomUUID();
    const url = `http://${req.headers.host ?? 'localhost'}${rawUrl}`;
    const request: RpcInvocationRequest = {
      invocationId,
      functionId: route.functionId,
      inputData: [],
      triggerMetadata: {},
      traceContext: invocationTraceContext(req.headers),
    };

    let proxied: ReturnType<StreamingProxy['forward']> | undefined;
    if (streaming) {
      // An oversized body is refused as it streams; the invocation then fails on its truncated body.
      proxied = streaming.forward(req, res, invocationId, config.bodySizeLimit, () => rejectTooLarge(res));
      // Streaming: the body travels over the proxy; headers and route values come as trigger metadata.
      const headersJson = Object.fromEntries(
        Object.entries(toNullableHeaders(req.headers)).map(([k, v]) => [k, v.value ?? '']),
      );
      request.inputData = httpInput(route, {
        http: {
          method,
          url,
          nullableHeaders: toNullableHeaders(req.headers),
          nullableQuery: toNullableQuery(search),
          nullableParams: toNullableParams(params),
        },
      });
      request.triggerMetadata = {
        Headers: { json: JSON.stringify(headersJson) },
        Query: { json: JSON.stringify(Object.fromEntries(search)) },
      };
      for (const [name, value] of Object.entries(params)) request.triggerMetadata[name] = { string: value };
    } else {
      let body: Buffer | undefined;
      if (length === 0 || (length === undefined && req.headers['transfer-encoding'] === undefined)) {
        // No body to wait for (most GETs): skip the extra event-loop turn.
        req.resume();
      } else {
        const read = await readBody(req, config.bodySizeLimit);
        if (!read.ok) {
          if (read.reason === 'too-large') rejectTooLarge(res);
          else res.destroy();
          return;
        }
        // The real host forwards a body only when Content-Length > 0 (a chunked body arrives empty).
        if (length !== undefined && length > 0) body = read.body;
      }
      request.inputData = httpInput(route, { http: buildRpcHttp(method, url, req.headers, search, params, body) });
    }

    const started = performance.now();
    if (logInvocations)
      hostLog(
        'information',
        `Executing 'Functions.${route.functionName}' (Reason='This function was programmatically called via the host APIs.', Id=${invocationId})`,
        route.functionName,
        invocationId,
      );
    let outcome: 'Succeeded' | 'Failed' = 'Succeeded';
    try {
      const { response, result } = await runInvocation(registry, registered, request, appLog);
      const http = response.returnValue?.http;
      if (proxied) {
        // The library streamed the response itself unless the handler returned nothing.
        if (result === null || result === undefined) {
          proxied.abort();
          writeEmpty(res, 204);
        } else {
          await proxied.finished;
          if (!proxied.responded()) writeEmpty(res, 500);
        }
      } else if (http) {
        writeRpcHttpResponse(res, http);
      } else if (response.returnValue === null || response.returnValue === undefined) {
        writeEmpty(res, 204);
      } else {
        throw new Error('The function returned a value that is not an HTTP response');
      }
    } catch (error) {
      outcome = 'Failed';
      proxied?.abort();
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      hostLog(
        'error',
        `Exception while executing function: Functions.${route.functionName}. Result: Failure\nException: ${detail}`,
        route.functionName,
        invocationId,
      );
      writeEmpty(res, 500);
    } finally {
      if (logInvocations) {
        const duration = Math.round(performance.now() - started);
        hostLog(
          outcome === 'Failed' ? 'error' : 'information',
          `Executed 'Functions.${route.functionName}' (${outcome}, Id=${invocationId}, Duration=${duration}ms)`,
          route.functionName,
          invocationId,
        );
      }
    }
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      hostLog(
        'error',
        `Request failed in the host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      writeEmpty(res, 500);
    });
  };
}
