// The OpenAPI document passes the recommended rules of Redocly's OpenAPI linter
// (https://redocly.com/docs/cli/rules/recommended), the rule set client and docs generators expect.
// @redocly/openapi-core is ESM-only and jest runs CommonJS, so the lint runs in a child Node process.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from '../src/openapi/openapi-document';

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  pointer: string;
}

const LINT = `
import { createConfig, lintFromString } from '@redocly/openapi-core';
let source = '';
for await (const chunk of process.stdin) source += chunk;
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source, absoluteRef: '/openapi.json', config });
process.stdout.write(JSON.stringify(problems.map((p) => ({ ruleId: p.ruleId, severity: p.severity, message: p.message, pointer: p.location[0]?.pointer ?? '' }))));
`;

function lint(document: unknown): Promise<LintProblem[]> {
  return new Promise((done, fail) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', LINT],
      { cwd: resolve(__dirname, '../..'), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return fail(new Error(`lint failed: ${stderr || error.message}`));
        done(JSON.parse(stdout) as LintProblem[]);
      },
    );
    child.stdin?.end(JSON.stringify(document));
  });
}

it('the served document has no problem under the recommended rules (errors and warnings)', async () => {
  expect(await lint(buildOpenApiDocument())).toEqual([]);
});

it('the lint does find what the rules forbid (an operation without a summary, an unused component, no license)', async () => {
  const document = buildOpenApiDocument() as {
    info: Record<string, unknown>;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown> };
  };
  delete document.info.license;
  delete document.paths['/reviews']!.get!.summary;
  document.components.schemas.Orphan = { type: 'string' };
  const problems = await lint(document);
  expect(problems.map((p) => [p.ruleId, p.pointer]).sort()).toEqual(
    [
      ['info-license', '#/info'],
      ['no-unused-components', '#/components/schemas/Orphan'],
      ['operation-summary', '#/paths/~1reviews/get/summary'],
    ].sort(),
  );
});
