// What the console may call, and who may call it. The console reaches the back-office API through
// one gateway function (functions/console-api.ts) that signs people in by role instead of by
// function key, then runs the API's own handler in-process: the same validation, the same
// problem+json, no second implementation. Reads need the viewer role, changes the underwriter role.
import type { HttpHandler } from '@azure/functions';
import type { AppServices } from '../app-services';
import { driverClaimsHandler } from '../functions/driver-claims';
import { driverViolationsHandler } from '../functions/driver-violations';
import { driversHandler } from '../functions/drivers';
import { openApiHandler } from '../functions/openapi';
import { premiumsHandler } from '../functions/premiums';
import { reviewHandler } from '../functions/review';
import { reviewResolutionHandler } from '../functions/review-resolution';
import { reviewsHandler } from '../functions/reviews';
import { vehiclePremiumHandler } from '../functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../functions/vehicle-premiums';
import {
  driverCarsHandler,
  fleetCarHandler,
  fleetHandler,
  operationsHandler,
  recentPremiumsHandler,
} from './console-reads';
import type { ConsoleRole } from './console-contract';

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** Path under /api, with {name} segments, as in the API's OpenAPI document. */
  template: string;
  role: ConsoleRole;
  handler: (services: AppServices) => HttpHandler;
  /** A body field the gateway sets to the signed-in person's name (who did it is never the browser's say). */
  signedBy?: string;
}

/** The API routes the console uses: reads for viewers, changes (claims, violations, review resolutions) for underwriters. */
export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [
  { method: 'GET', template: 'openapi.json', role: 'viewer', handler: () => openApiHandler() },
  { method: 'GET', template: 'premiums', role: 'viewer', handler: premiumsHandler },
  { method: 'GET', template: 'reviews', role: 'viewer', handler: reviewsHandler },
  { method: 'GET', template: 'reviews/{reviewId}', role: 'viewer', handler: reviewHandler },
  {
    method: 'POST',
    template: 'reviews/{reviewId}/resolution',
    role: 'underwriter',
    handler: reviewResolutionHandler,
    signedBy: 'resolvedBy',
  },
  { method: 'GET', template: 'vehicles', role: 'viewer', handler: fleetHandler },
  { method: 'GET', template: 'vehicles/{assetId}', role: 'viewer', handler: fleetCarHandler },
  { method: 'GET', template: 'vehicles/{assetId}/premium', role: 'viewer', handler: vehiclePremiumHandler },
  { method: 'GET', template: 'vehicles/{assetId}/premiums', role: 'viewer', handler: vehiclePremiumsHandler },
  { method: 'GET', template: 'drivers/{driverKey}', role: 'viewer', handler: driversHandler },
  { method: 'GET', template: 'drivers/{driverKey}/vehicles', role: 'viewer', handler: driverCarsHandler },
  { method: 'POST', template: 'drivers/{driverKey}/claims', role: 'underwriter', handler: driverClaimsHandler },
  { method: 'POST', template: 'drivers/{driverKey}/violations', role: 'underwriter', handler: driverViolationsHandler },
  { method: 'GET', template: 'operations', role: 'viewer', handler: operationsHandler },
  { method: 'GET', template: 'recent-premiums', role: 'viewer', handler: recentPremiumsHandler },
];

export interface RouteMatch {
  route: ConsoleRoute;
  params: Record<string, string>;
}

/** Matches a request path (no leading slash) against one template; undefined when it does not fit. */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const pattern = want[i]!;
    const segment = got[i]!;
    if (pattern.startsWith('{') && pattern.endsWith('}')) {
      if (segment === '') return undefined;
      try {
        params[pattern.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (pattern.toLowerCase() !== segment.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

/** The route for a path and method: `found` distinguishes "no such path" from "wrong method". */
export function findRoute(
  routes: readonly ConsoleRoute[],
  method: string,
  path: string,
): { match?: RouteMatch; pathKnown: boolean } {
  let pathKnown = false;
  for (const route of routes) {
    const params = matchTemplate(route.template, path);
    if (!params) continue;
    pathKnown = true;
    if (route.method === method.toUpperCase()) return { match: { route, params }, pathKnown };
  }
  return { pathKnown };
}
