// POST /api/reviews/{reviewId}/resolution: approve the premium, or override the annual premium,
// with a reason and who decided. 201 when recorded, 200 when the same resolution already was (a
// retry), 409 when the item was resolved differently or a newer event / re-rate superseded it.
import { app, type HttpHandler } from '@azure/functions';
import { parseWith } from '@lease-premium/events';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { json, notFound, problem, validationProblem } from '../http/problem';
import { MAX_RESOLUTION_BODY_BYTES, readJsonBody } from '../http/request-body';
import { reviewItemView } from '../http/representations';
import { parseReviewId } from '../premium/review-id';
import { ReviewResolutionRequest } from '../premium/review-resolution-request';

const CONFLICT_TITLES = {
  'resolved-differently': 'Already resolved differently',
  superseded: 'Superseded',
  unrated: 'Nothing to approve',
} as const;

export function reviewResolutionHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const id = request.params.reviewId ?? '';
    const key = parseReviewId(id);
    if (!key) return notFound(`no review item ${id}`);
    const body = await readJsonBody(
      request,
      MAX_RESOLUTION_BODY_BYTES,
      (input) => parseWith(ReviewResolutionRequest, input),
      'review resolution',
    );
    if (!body.ok) return body.response;
    const result = await services.reviews.resolve(key, body.value);
    switch (result.outcome) {
      case 'resolved':
        return json(201, reviewItemView(result.item));
      case 'already-resolved':
        return json(200, reviewItemView(result.item));
      case 'not-found':
        return notFound(`no review item ${id}`);
      case 'conflict':
        return problem(409, `review-${result.conflict}`, CONFLICT_TITLES[result.conflict], result.detail);
      case 'invalid':
        return validationProblem('the resolution does not fit the reviewed premium', result.issues);
    }
  });
}

app.http('review-resolution', {
  route: 'reviews/{reviewId}/resolution',
  methods: ['POST'],
  authLevel: 'function',
  handler: withAppServices(reviewResolutionHandler),
});
