// GET /api/openapi.json: the API's OpenAPI 3.1 document.
import { app, type HttpHandler } from '@azure/functions';
import { withErrorHandling } from '../http/error-handling';
import { json } from '../http/problem';
import { buildOpenApiDocument } from '../openapi/openapi-document';

let document: Record<string, unknown> | undefined;

/** Built at the first request, not at load: its JSON Schemas take a noticeable part of a cold start. */
export function openApiHandler(): HttpHandler {
  return withErrorHandling(() => Promise.resolve(json(200, (document ??= buildOpenApiDocument()))));
}

app.http('openapi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'function',
  handler: openApiHandler(),
});
