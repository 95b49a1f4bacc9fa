import { z } from 'zod';
import { type RegisteredFunction } from './core-api';
import { type AuthLevel } from './keys';
import { comparePrecedence, parseRouteTemplate, type RouteTemplate } from './route-template';

export interface HttpRoute {
  functionName: string;
  functionId: string;
  /** The trigger binding's key in `bindings` (the host sends the request under this name). */
  triggerBindingName: string;
  /** Upper-case methods; empty = every method (host default when a binding lists none). */
  methods: string[];
  authLevel: AuthLevel;
  /** The full template including the route prefix, e.g. `api/items/{id:int}`. */
  template: RouteTemplate;
}

export interface FunctionListing {
  name: string;
  trigger: string;
  methods: string[];
  authLevel?: AuthLevel;
  /** Full route template, e.g. `api/items/{id:int}` (HTTP triggers only). */
  route?: string;
}

const httpTriggerSchema = z
  .object({
    type: z.string(),
    route: z.string().nullish(),
    methods: z.array(z.string()).nullish(),
    authLevel: z.string().nullish(),
  })
  .loose();

function toAuthLevel(value: string | null | undefined, functionName: string): AuthLevel {
  const level = (value ?? 'anonymous').toLowerCase();
  if (level === 'anonymous' || level === 'function' || level === 'admin') return level;
  throw new Error(`Function "${functionName}": authLevel "${value}" is not supported (anonymous, function, admin)`);
}

function joinRoute(prefix: string, route: string): string {
  const cleanRoute = route.replace(/^\/+|\/+$/g, '');
  if (prefix === '') return cleanRoute;
  return cleanRoute === '' ? prefix : `${prefix}/${cleanRoute}`;
}

/** Routes for every HTTP-triggered function, most specific first. Non-HTTP functions are listed, not routed. */
export function buildRouteTable(
  functions: Iterable<RegisteredFunction>,
  routePrefix: string,
): { routes: HttpRoute[]; listing: FunctionListing[] } {
  const routes: HttpRoute[] = [];
  const listing: FunctionListing[] = [];
  for (const registered of functions) {
    const name = registered.metadata.name;
    const trigger = Object.entries(registered.metadata.bindings).find(
      ([, binding]) => typeof binding.type === 'string' && binding.type.toLowerCase().endsWith('trigger'),
    );
    if (!trigger) throw new Error(`Function "${name}" has no trigger binding`);
    const [bindingName, rawBinding] = trigger;
    if (rawBinding.type?.toLowerCase() !== 'httptrigger') {
      listing.push({ name, trigger: String(rawBinding.type), methods: [] });
      continue;
    }
    const binding = httpTriggerSchema.parse(rawBinding);
    const authLevel = toAuthLevel(binding.authLevel, name);
    const methods = (binding.methods ?? []).map((method) => method.toUpperCase());
    const fullRoute = joinRoute(routePrefix, binding.route ?? name);
    let template: RouteTemplate;
    try {
      template = parseRouteTemplate(fullRoute);
    } catch (error) {
      throw new Error(`Function "${name}": ${(error as Error).message}`);
    }
    routes.push({
      functionName: name,
      functionId: registered.id,
      triggerBindingName: bindingName,
      methods,
      authLevel,
      template,
    });
    listing.push({ name, trigger: 'httpTrigger', methods, authLevel, route: fullRoute });
  }
  routes.sort((a, b) => comparePrecedence(a.template, b.template));
  return { routes, listing };
}

/** Host routes this host does not serve; the real host's ReservedRouteGuardMiddleware keeps functions off them. */
export function isReservedPath(decodedPath: string): boolean {
  return /^\/(admin|runtime\/webhooks)(\/|$)/i.test(decodedPath);
}

/** First route whose template and methods match; a route that matches only by path does not count (404, not 405). */
export function matchRoute(
  routes: readonly HttpRoute[],
  method: string,
  decodedPath: string,
): { route: HttpRoute; params: Record<string, string> } | null {
  if (isReservedPath(decodedPath)) return null;
  for (const route of routes) {
    if (route.methods.length > 0 && !route.methods.includes(method)) continue;
    const params = route.template.match(decodedPath);
    if (params) return { route, params };
  }
  return null;
}
