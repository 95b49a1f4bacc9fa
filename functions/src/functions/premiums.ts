// GET /api/premiums?needsReview=true&pageSize=&continuationToken=: the open review queue in the form
// it had before GET /api/reviews (kept for existing clients).
import { app, type HttpHandler } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { pagingOf } from '../http/paging';
import { json, validationProblem } from '../http/problem';
import { reviewEntryView } from '../http/representations';

export function premiumsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    if (request.query.get('needsReview') !== 'true') {
      const message = 'must be "true": this listing is the review queue';
      return validationProblem(`query parameter needsReview ${message}`, [{ path: 'needsReview', message }]);
    }
    const paging = pagingOf(request);
    if (!paging.ok) return paging.response;
    const page = await services.reviews.list('open', undefined, paging.value.pageSize, paging.value.continuationToken);
    return json(200, {
      items: page.items.map((item) => reviewEntryView(item.entry)),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });
}

app.http('premiums', {
  route: 'premiums',
  methods: ['GET'],
  authLevel: 'function',
  handler: withAppServices(premiumsHandler),
});
