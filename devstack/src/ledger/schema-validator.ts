// v2.0 transaction schema validation as bigchaindb/common/schema/__init__.py does it: the common schema, then
// the TRANSFER or CREATE one. ajv decides (like rapidjson's fast path in the real node); on rejection the
// message is the one Python jsonschema 3.2.0 would give (json-schema-messages.ts).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { bestMatchMessage } from './json-schema-messages';

/** The YAML files live in src/ledger/schema (copied from BigchainDB v2.2.2, see NOTICE.md); found from src or dist. */
const SCHEMA_DIR = resolve(__dirname, '..', '..', 'src', 'ledger', 'schema');

type Schema = Record<string, unknown>;
interface CompiledSchema {
  schema: Schema;
  validate: ValidateFunction;
}

function load(ajv: Ajv, name: string): CompiledSchema {
  const schema = parseYaml(readFileSync(join(SCHEMA_DIR, `${name}.yaml`), 'utf8')) as Schema;
  const { $schema: _draft04, ...forAjv } = schema; // ajv 8 has no draft-04 meta-schema; these schemas use nothing draft-04-only
  return { schema, validate: ajv.compile(forAjv) };
}

export type SchemaCheck = { ok: true } | { ok: false; message: string };

export class TransactionSchemaValidator {
  private readonly common: CompiledSchema;
  private readonly create: CompiledSchema;
  private readonly transfer: CompiledSchema;

  constructor() {
    const ajv = new Ajv({ strict: false, allErrors: false });
    this.common = load(ajv, 'transaction_v2.0');
    this.create = load(ajv, 'transaction_create_v2.0');
    this.transfer = load(ajv, 'transaction_transfer_v2.0');
  }

  /** validate_transaction_schema(tx); the message is what follows "Invalid transaction schema: ". */
  check(tx: unknown): SchemaCheck {
    const common = this.run(this.common, tx);
    if (!common.ok) return common;
    const operation = (tx as { operation?: unknown }).operation;
    return this.run(operation === 'TRANSFER' ? this.transfer : this.create, tx);
  }

  private run(compiled: CompiledSchema, tx: unknown): SchemaCheck {
    if (compiled.validate(tx)) return { ok: true };
    const message = bestMatchMessage(tx, compiled.schema) ?? compiled.validate.errors?.[0]?.message ?? 'invalid';
    return { ok: false, message };
  }
}
