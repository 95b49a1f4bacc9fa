// GET /api/vehicles/{assetId}/premium: the car's current coverage and premium, with its breakdown.
import { app, type HttpHandler } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { assetIdParam } from '../http/path-params';
import { json, notFound } from '../http/problem';
import { currentCoverageView } from '../http/representations';

export function vehiclePremiumHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const assetId = assetIdParam(request);
    if (!assetId.ok) return assetId.response;
    const current = await services.vehicles.readCurrent(assetId.value);
    if (!current) return notFound(`no ownership event has been recorded for vehicle ${assetId.value}`);
    const record = current.value.premium
      ? await services.vehicles.readHistoryRecord(assetId.value, current.value.historyRowKey)
      : undefined;
    return json(200, currentCoverageView(current.value, record));
  });
}

app.http('vehicle-premium', {
  route: 'vehicles/{assetId}/premium',
  methods: ['GET'],
  authLevel: 'function',
  handler: withAppServices(vehiclePremiumHandler),
});
