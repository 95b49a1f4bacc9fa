// /api/console-api/{*path}: the console's gateway to the back-office API. Anonymous at the host
// (a browser never holds a function key); here every request must come from signed-in staff
// (App Service authentication with Entra ID in Azure, the dev stand-in locally), with the role the
// route needs; then the API's own handler runs in-process. See functions/src/console/.
import { app, HttpRequest, HttpResponse, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { CONSOLE_ROUTES, findRoute, type ConsoleRoute } from '../console/console-routes';
import { CONSOLE_ROLES, type ConsoleSession, type SignInMode, type StaffPrincipal } from '../console/console-contract';
import { DEV_ROLE_COOKIE, isConsoleRole, mayAct, principalOf, signInModeOf } from '../console/staff-principal';
import { withErrorHandling } from '../http/error-handling';
import { json, problem, validationProblem } from '../http/problem';
import { readRawBody } from '../http/request-body';

/** Console request bodies are a claim, a violation or a resolution: a few hundred bytes. */
export const CONSOLE_MAX_BODY_BYTES = 64 * 1024;
/**
 * Changes must carry this header: a cross-site form or image cannot set it, and a cross-site
 * script that sets it is stopped by CORS (no CORS is configured), so cookies alone never act.
 */
export const CONSOLE_REQUEST_HEADER = 'x-console-request';

const NO_STORE = { 'cache-control': 'no-store' };

function sessionView(mode: SignInMode, principal: StaffPrincipal | undefined): ConsoleSession {
  return { signedIn: principal !== undefined, ...(principal ? { principal } : {}), signIn: mode, roles: CONSOLE_ROLES };
}

function withNoStore(response: HttpResponseInit): HttpResponseInit {
  return { ...response, headers: { ...(response.headers as Record<string, string> | undefined), ...NO_STORE } };
}

/** The dev stand-in: POST dev-sign-in {"role": "viewer" | "underwriter" | null} sets or clears the cookie. */
async function devSignIn(request: HttpRequest, mode: SignInMode): Promise<HttpResponseInit> {
  if (mode.kind !== 'dev-sign-in')
    return problem(404, 'not-found', 'Not found', 'the dev sign-in exists only in a local stack');
  const body = await readRawBody(request, 1024);
  if (!body.ok) return body.response;
  let role: unknown;
  try {
    role = (JSON.parse(new TextDecoder().decode(body.value)) as { role?: unknown }).role;
  } catch {
    role = undefined;
  }
  if (role !== null && !isConsoleRole(role)) {
    const message = `must be one of ${CONSOLE_ROLES.join(', ')}, or null to sign out`;
    return validationProblem(`role ${message}`, [{ path: 'role', message }]);
  }
  const cookie =
    role === null
      ? `${DEV_ROLE_COOKIE}=; Path=/api; Max-Age=0; HttpOnly; SameSite=Strict`
      : `${DEV_ROLE_COOKIE}=${role}; Path=/api; HttpOnly; SameSite=Strict`;
  return { status: 204, headers: { 'set-cookie': cookie, ...NO_STORE } };
}

/** The body to pass on: as sent, except the route's signedBy field, which names the signed-in person. */
function signedBody(raw: Uint8Array, route: ConsoleRoute, principal: StaffPrincipal): Uint8Array {
  if (!route.signedBy) return raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return raw; // the API's own handler answers 400 for it
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return raw;
  return new TextEncoder().encode(JSON.stringify({ ...parsed, [route.signedBy]: principal.name }));
}

async function forward(
  handler: HttpHandler,
  route: ConsoleRoute,
  params: Record<string, string>,
  request: HttpRequest,
  path: string,
  principal: StaffPrincipal,
  context: Parameters<HttpHandler>[1],
) {
  const url = new URL(request.url);
  const target = new URL(`/api/${path}${url.search}`, url);
  let body: { bytes: Uint8Array } | undefined;
  if (route.method === 'POST') {
    const raw = await readRawBody(request, CONSOLE_MAX_BODY_BYTES);
    if (!raw.ok) return raw.response;
    body = { bytes: signedBody(raw.value, route, principal) };
  }
  const inner = new HttpRequest({
    method: route.method,
    url: target.toString(),
    headers: { 'content-type': request.headers.get('content-type') ?? 'application/json' },
    params,
    query: Object.fromEntries(url.searchParams),
    ...(body ? { body } : {}),
  });
  return handler(inner, context);
}

export function consoleApiHandler(
  services: AppServices,
  env: Record<string, string | undefined> = process.env,
  routes: readonly ConsoleRoute[] = CONSOLE_ROUTES,
): HttpHandler {
  const mode = signInModeOf(env);
  const handlers = new Map<ConsoleRoute, HttpHandler>();
  const handlerOf = (route: ConsoleRoute): HttpHandler => {
    let handler = handlers.get(route);
    if (!handler) handlers.set(route, (handler = route.handler(services)));
    return handler;
  };
  return withErrorHandling(async (request, context) => {
    const path = (request.params.path ?? '').replace(/^\/+/, '');
    const principal = principalOf(mode, request.headers);
    if (path === 'session' && request.method === 'GET') return json(200, sessionView(mode, principal));
    if (request.method !== 'GET' && request.headers.get(CONSOLE_REQUEST_HEADER) !== '1') {
      return problem(
        403,
        'console-request-header',
        'Forbidden',
        `changes through the console must send the header ${CONSOLE_REQUEST_HEADER}: 1`,
      );
    }
    if (path === 'dev-sign-in' && request.method === 'POST') return devSignIn(request, mode);
    if (!principal) {
      const how = mode.kind === 'none' ? 'sign-in is not configured for this Function App' : 'sign in first';
      return withNoStore(problem(401, 'sign-in-required', 'Sign-in required', how));
    }
    const { match, pathKnown } = findRoute(routes, request.method, path);
    if (!match)
      return problem(
        pathKnown ? 405 : 404,
        'not-found',
        pathKnown ? 'Method not allowed' : 'Not found',
        `the console does not offer ${request.method} ${path}`,
      );
    if (!mayAct(principal, match.route.role)) {
      return problem(
        403,
        'role-required',
        'Not allowed for your role',
        `${request.method} ${match.route.template} needs the ${match.route.role} role; you have ${principal.roles.join(', ') || 'no console role'}`,
      );
    }
    const response = await forward(
      handlerOf(match.route),
      match.route,
      match.params,
      request,
      path,
      principal,
      context,
    );
    return withNoStore(
      response instanceof HttpResponse
        ? { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() }
        : response,
    );
  });
}

app.http('console-api', {
  route: 'console-api/{*path}',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: withAppServices((services) => consoleApiHandler(services)),
});
