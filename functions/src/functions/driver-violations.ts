// POST /api/drivers/{driverKey}/violations: append one violation; re-rates every car the driver leases.
// 201 when added, 200 when the same violation was already recorded (a retry), 404 for an unknown driver.
import { app, type HttpHandler } from '@azure/functions';
import { Violation, parseWith } from '@lease-premium/events';
import { MAX_BODY_BYTES, withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { driverKeyParam } from '../http/path-params';
import { json, notFound } from '../http/problem';
import { readJsonBody } from '../http/request-body';
import { driverChangeView } from '../http/representations';

export function driverViolationsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const key = driverKeyParam(request);
    if (!key.ok) return key.response;
    const body = await readJsonBody(request, MAX_BODY_BYTES, (input) => parseWith(Violation, input), 'violation');
    if (!body.ok) return body.response;
    const result = await services.drivers.appendViolation(key.value, body.value);
    if (!result) return notFound(`no driver profile for ${key.value}; PUT /api/drivers/${key.value} first`);
    return json(result.changed ? 201 : 200, driverChangeView(result));
  });
}

app.http('driver-violations', {
  route: 'drivers/{driverKey}/violations',
  methods: ['POST'],
  authLevel: 'function',
  handler: withAppServices(driverViolationsHandler),
});
