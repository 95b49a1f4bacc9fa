// The committed shared/json-schema/*.json must be what the zod schemas generate today.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_DIR, jsonSchemaFiles } from '../src/json-schema-files';

describe('committed JSON Schema files', () => {
  const expected = jsonSchemaFiles();

  it('exist for every public schema and no others (run `npm run json-schema -w shared` if this fails)', () => {
    const committed = readdirSync(JSON_SCHEMA_DIR)
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(committed).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))('%s is up to date (run `npm run json-schema -w shared` if this fails)', (file) => {
    expect(readFileSync(join(JSON_SCHEMA_DIR, file), 'utf8')).toBe(expected[file]);
  });

  it('declares draft 2020-12 and a distinct $id for each schema', () => {
    const schemas = Object.values(expected).map((content) => JSON.parse(content) as { $schema: string; $id: string });
    for (const schema of schemas) expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(new Set(schemas.map((schema) => schema.$id)).size).toBe(schemas.length);
  });
});
