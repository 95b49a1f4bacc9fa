// GET /api/vehicles/{assetId}/premiums?pageSize=&continuationToken=: the car's history in ledger
// order (one record per ownership event, re-rates after the event they re-rated), paged.
import { app, type HttpHandler } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { pagingOf } from '../http/paging';
import { assetIdParam } from '../http/path-params';
import { json, notFound } from '../http/problem';
import { historyRecordView } from '../http/representations';

export function vehiclePremiumsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const assetId = assetIdParam(request);
    if (!assetId.ok) return assetId.response;
    const paging = pagingOf(request);
    if (!paging.ok) return paging.response;
    const page = await services.vehicles.listHistory(
      assetId.value,
      paging.value.pageSize,
      paging.value.continuationToken,
    );
    if (page.items.length === 0 && paging.value.continuationToken === undefined && !page.continuationToken) {
      return notFound(`no ownership event has been recorded for vehicle ${assetId.value}`);
    }
    return json(200, {
      items: page.items.map(historyRecordView),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });
}

app.http('vehicle-premiums', {
  route: 'vehicles/{assetId}/premiums',
  methods: ['GET'],
  authLevel: 'function',
  handler: withAppServices(vehiclePremiumsHandler),
});
