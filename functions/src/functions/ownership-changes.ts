// POST /api/ownership-changes: the WebJob's webhook. Signature over the raw body, schema validation,
// then each event applied by the premium service; 200 only once writes are durable. The answer
// (WebhookResponse in the event package) has one result per event: an event that is invalid, or
// cannot be rated or stored for a reason of its own, is `rejected` there and the rest proceeds; only
// a storage outage fails the whole delivery (503).
import { app, type HttpHandler, type HttpRequest } from '@azure/functions';
import {
  BATCH_CONTENT_TYPE,
  STRUCTURED_CONTENT_TYPE,
  formatIssues,
  parseOwnershipEvent,
  parseOwnershipEventBatch,
  type OwnershipEvent,
  type WebhookEventResult,
  type WebhookResponse,
} from '@lease-premium/events';
import { MAX_BODY_BYTES, withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { json, problem, validationProblem } from '../http/problem';
import { parseJson, readRawBody } from '../http/request-body';
import { verifyWebhook } from '../http/webhook-signature';

function mediaType(request: HttpRequest): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function ownershipChangesHandler(services: AppServices, now: () => Date = () => new Date()): HttpHandler {
  return withErrorHandling(async (request, context) => {
    const raw = await readRawBody(request, MAX_BODY_BYTES);
    if (!raw.ok) return raw.response;
    const signature = verifyWebhook(services.verifier, raw.value, request, now());
    if (!signature.ok) {
      context.warn(`webhook refused: ${signature.response.status} (signature)`);
      return signature.response;
    }

    const type = mediaType(request);
    if (type !== BATCH_CONTENT_TYPE && type !== STRUCTURED_CONTENT_TYPE && type !== 'application/json' && type !== '') {
      return problem(
        415,
        'media-type',
        'Unsupported media type',
        `send ${BATCH_CONTENT_TYPE} (a JSON array) or ${STRUCTURED_CONTENT_TYPE} (one event)`,
      );
    }
    const body = parseJson(raw.value);
    if (!body.ok) return body.response;
    const isBatch = type === BATCH_CONTENT_TYPE || (type !== STRUCTURED_CONTENT_TYPE && Array.isArray(body.value));

    const events: OwnershipEvent[] = [];
    const results: (WebhookEventResult | undefined)[] = [];
    if (isBatch) {
      const batch = parseOwnershipEventBatch(body.value);
      if (!batch.ok)
        return validationProblem(
          `the body is not a valid CloudEvents batch: ${formatIssues(batch.issues)}`,
          batch.issues,
        );
      batch.value.forEach((item, index) => {
        if (item.ok) {
          events.push(item.value);
          results.push(undefined);
        } else {
          const errors = item.issues.map((issue) => ({
            path: issue.path === '' ? String(index) : `${index}.${issue.path}`,
            message: issue.message,
          }));
          results.push({
            id: rawId(item.raw),
            outcome: 'rejected',
            reason: `invalid event: ${formatIssues(item.issues)}`,
            errors,
          });
        }
      });
    } else {
      const event = parseOwnershipEvent(body.value);
      if (!event.ok)
        return validationProblem(
          `the body is not a valid ownership-change CloudEvent: ${formatIssues(event.issues)}`,
          event.issues,
        );
      events.push(event.value);
      results.push(undefined);
    }

    const outcomes = await services.premiums.applyEvents(events, context.traceContext);
    let next = 0;
    const ordered = results.map((result) => result ?? (outcomes[next++] as WebhookEventResult));
    const counts: Record<string, number> = {};
    for (const r of ordered) {
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      if (r.outcome === 'rejected')
        context.warn(
          `webhook delivery ${signature.value}: event ${r.id || '(no id)'} rejected: ${r.reason.slice(0, 500)}`,
        );
    }
    context.info(`webhook delivery ${signature.value}: ${ordered.length} event(s) ${JSON.stringify(counts)}`);
    const response: WebhookResponse = { results: ordered };
    return json(200, response);
  });
}

/** The id of a malformed event, when it has a usable one (results stay aligned with the request). */
function rawId(raw: unknown): string {
  return typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : '';
}

app.http('ownership-changes', {
  route: 'ownership-changes',
  methods: ['POST'],
  authLevel: 'function',
  handler: withAppServices((services) => ownershipChangesHandler(services)),
});
