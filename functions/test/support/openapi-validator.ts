// Checks live responses against the OpenAPI document the app serves: the documented status exists
// for the operation, the content type is the documented one, and the body validates (Ajv, 2020-12).
// With OPENAPI_COVERAGE_FILE set, each checked "METHOD path status" is appended to that file, so a
// run can list the documented responses no test produced (see functions/README.md).
import { appendFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../src/openapi/openapi-document';
import type { Invocation } from './function-app';

const DOC_ID = 'https://lease-premium.test/openapi.json';
const document = buildOpenApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...document, $id: DOC_ID });

const pointer = (part: string): string => part.replace(/~/g, '~0').replace(/\//g, '~1');

type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };

export function expectDocumentedResponse(path: string, method: 'get' | 'put' | 'post', response: Invocation): void {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const operation = paths[path]?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
  const documented = operation.responses[String(response.status)];
  if (!documented)
    throw new Error(
      `${method.toUpperCase()} ${path} answered ${response.status}, which the OpenAPI document does not list`,
    );
  if (documented.content) expectDocumentedBody(path, method, response, documented.content); // none: e.g. 401 from the host, empty body
  const coverageFile = process.env.OPENAPI_COVERAGE_FILE;
  if (coverageFile) appendFileSync(coverageFile, `${method.toUpperCase()} ${path} ${response.status}\n`);
}

function expectDocumentedBody(
  path: string,
  method: string,
  response: Invocation,
  content: Record<string, unknown>,
): void {
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!(contentType in content))
    throw new Error(
      `${method.toUpperCase()} ${path} ${response.status}: content-type "${contentType}" is not documented`,
    );
  const ref = `${DOC_ID}#/paths/${pointer(path)}/${method}/responses/${response.status}/content/${pointer(contentType)}/schema`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema at ${ref}`);
  if (!validate(response.body)) {
    throw new Error(
      `${method.toUpperCase()} ${path} ${response.status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body).slice(0, 2000)}`,
    );
  }
}

export { document as openApiDocument };
