// GET /api/reviews?status=open|resolved&reason=<code>&pageSize=&continuationToken=: the underwriters'
// review queue (open items by default) or the items already resolved, optionally of one reason.
import { app, type HttpHandler, type HttpRequest } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { MAX_REVIEW_PAGE_SIZE, pagingOf } from '../http/paging';
import type { HttpCheck } from '../http/http-check';
import { json, validationProblem } from '../http/problem';
import { reviewItemView } from '../http/representations';
import { REVIEW_REASON_CODES, isReviewReasonCode } from '../premium/review-reasons';
import type { QueueStatus } from '../storage/review-queue-repository';

const STATUSES: readonly QueueStatus[] = ['open', 'resolved'];

interface Filter {
  status: QueueStatus;
  reason: string | undefined;
}

function filterOf(request: HttpRequest): HttpCheck<Filter> {
  const status = request.query.get('status') ?? 'open';
  if (!(STATUSES as readonly string[]).includes(status)) {
    const message = `must be one of ${STATUSES.join(', ')}`;
    return {
      ok: false,
      response: validationProblem(`query parameter status ${message}`, [{ path: 'status', message }]),
    };
  }
  const reason = request.query.get('reason') ?? undefined;
  if (reason !== undefined && !isReviewReasonCode(reason)) {
    const message = `must be one of ${REVIEW_REASON_CODES.join(', ')}`;
    return {
      ok: false,
      response: validationProblem(`query parameter reason ${message}`, [{ path: 'reason', message }]),
    };
  }
  return { ok: true, value: { status: status as QueueStatus, reason } };
}

export function reviewsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const filter = filterOf(request);
    if (!filter.ok) return filter.response;
    const paging = pagingOf(request, MAX_REVIEW_PAGE_SIZE);
    if (!paging.ok) return paging.response;
    const page = await services.reviews.list(
      filter.value.status,
      filter.value.reason,
      paging.value.pageSize,
      paging.value.continuationToken,
    );
    return json(200, {
      items: page.items.map(reviewItemView),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });
}

app.http('reviews', {
  route: 'reviews',
  methods: ['GET'],
  authLevel: 'function',
  handler: withAppServices(reviewsHandler),
});
