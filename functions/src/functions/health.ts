// GET /api/health (anonymous): 200 when every table answers, 503 otherwise.
import { app, type HttpHandler } from '@azure/functions';
import { withAppServices, type AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { json, problem } from '../http/problem';
import { RETRY_TUNING } from '../tuning';

export function healthHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (_request, context) => {
    const started = Date.now();
    try {
      await services.store.ping();
    } catch (error) {
      context.warn(`health: storage check failed: ${error instanceof Error ? error.message : String(error)}`);
      return problem(503, 'unhealthy', 'Unhealthy', 'table storage is not reachable', {
        headers: { 'retry-after': String(RETRY_TUNING.retryAfterSeconds) },
      });
    }
    return json(200, {
      status: 'ok',
      storage: 'ok',
      rateTables: services.config.rateTable,
      checkedInMs: Date.now() - started,
    });
  });
}

app.http('health', {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: withAppServices(healthHandler),
});
