// The committed copies of the JSON Schemas: shared/json-schema/<Name>.json. Regenerate with
// `npm run json-schema -w shared` after changing a schema; a test fails while they are stale.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from './json-schema';

/** shared/json-schema, from shared/dist or shared/src alike. */
export const JSON_SCHEMA_DIR = join(__dirname, '..', 'json-schema');

/** File name -> exact file content (stable key order, two-space indent, trailing newline). */
export function jsonSchemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(jsonSchemas()).map(([name, schema]) => [`${name}.json`, `${JSON.stringify(schema, null, 2)}\n`]),
  );
}

/** Rewrites the directory so it holds exactly the current schemas. */
export function writeJsonSchemaFiles(dir: string = JSON_SCHEMA_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const files = jsonSchemaFiles();
  for (const stale of readdirSync(dir)) if (stale.endsWith('.json') && !(stale in files)) rmSync(join(dir, stale));
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return Object.keys(files);
}

if (require.main === module) {
  const written = writeJsonSchemaFiles();
  process.stdout.write(`wrote ${written.length} JSON Schemas to ${JSON_SCHEMA_DIR}\n`);
}
