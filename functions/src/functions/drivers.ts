// PUT /api/drivers/{driverKey}: create or replace a driver profile (re-rates the driver's leased cars);
// also the repair of a stored profile that fails today's validation.
// GET /api/drivers/{driverKey}: the stored profile; one that fails validation is served flagged.
// The key is the driver's ledger public key.
import { app, type HttpHandler } from '@azure/functions';
import { driverProfileWrittenOn, parseWith, type DriverProfile, type Parsed } from '@lease-premium/events';
import { MAX_BODY_BYTES, withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { driverKeyParam } from '../http/path-params';
import { json, notFound } from '../http/problem';
import { readJsonBody } from '../http/request-body';
import { driverChangeView, driverRecordView } from '../http/representations';
import { claimCurrencyIssues } from '../rating';

/** Claims in another currency than the rate table's are refused (400): amounts are never converted. */
function withClaimCurrencies(parsed: Parsed<DriverProfile>, services: AppServices): Parsed<DriverProfile> {
  if (!parsed.ok) return parsed;
  const issues = claimCurrencyIssues(parsed.value.claims, services.rateTables, (i) => `claims[${i}].currency`);
  return issues.length > 0 ? { ok: false, issues } : parsed;
}

export function driversHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const key = driverKeyParam(request);
    if (!key.ok) return key.response;
    if (request.method === 'GET') {
      const driver = await services.drivers.get(key.value);
      return driver ? json(200, driverRecordView(driver)) : notFound(`no driver profile for ${key.value}`);
    }
    const schema = driverProfileWrittenOn(services.now().toISOString().slice(0, 10));
    const body = await readJsonBody(
      request,
      MAX_BODY_BYTES,
      (input) => withClaimCurrencies(parseWith(schema, input), services),
      'driver profile',
    );
    if (!body.ok) return body.response;
    const result = await services.drivers.put(key.value, body.value);
    return json(result.created ? 201 : 200, driverChangeView(result));
  });
}

app.http('drivers', {
  route: 'drivers/{driverKey}',
  methods: ['GET', 'PUT'],
  authLevel: 'function',
  handler: withAppServices(driversHandler),
});
