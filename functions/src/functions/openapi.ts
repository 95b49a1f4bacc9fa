// GET /api/openapi.json: the API's OpenAPI 3.1 document.
import { app, type HttpHandler } from '@azure/functions';
import { withErrorHandling } from '../http/error-handling';
import { json } from '../http/problem';
import { buildOpenApiDocument } from '../openapi/openapi-document';

export function openApiHandler(): HttpHandler {
  const document = buildOpenApiDocument();
  return withErrorHandling(() => Promise.resolve(json(200, document)));
}

app.http('openapi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'function',
  handler: openApiHandler(),
});
