// GET /api/reviews/{reviewId}: one review item, open, resolved or superseded, with its reasons.
import { app, type HttpHandler } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { json, notFound } from '../http/problem';
import { reviewItemView } from '../http/representations';
import { parseReviewId } from '../premium/review-id';

export function reviewHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const id = request.params.reviewId ?? '';
    const key = parseReviewId(id);
    const item = key && (await services.reviews.get(key));
    return item ? json(200, reviewItemView(item)) : notFound(`no review item ${id}`);
  });
}

app.http('review', {
  route: 'reviews/{reviewId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: withAppServices(reviewHandler),
});
