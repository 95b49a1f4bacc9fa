// flask-restful 0.3.8 reqparse, as the BigchainDB views use it: the first value of each argument, converted by
// the argument's type; errors as {"message": {"<arg>": "<error>"}}; strict parsers refuse unknown arguments
// with {"message": "Unknown arguments: a, b"}. Bodies are flask-restful JSON (restfulJson).
import { pythonStrRepr, restfulJson } from './python-json';

export class ArgumentError extends Error {}

export interface ArgumentSpec<T> {
  name: string;
  convert: (raw: string) => T;
  required?: boolean;
}

export type ParsedArgs<T> = { ok: true; values: T } | { ok: false; body: string };

const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';

export function parseArgs<T extends Record<string, unknown>>(
  params: URLSearchParams,
  specs: { [K in keyof T]: ArgumentSpec<T[K]> },
  strict: boolean,
): ParsedArgs<Partial<T>> {
  const values: Partial<T> = {};
  for (const key of Object.keys(specs) as (keyof T)[]) {
    const spec = specs[key];
    const raw = params.getAll(spec.name);
    if (raw.length === 0) {
      if (spec.required) return { ok: false, body: restfulJson({ message: { [spec.name]: MISSING } }) };
      continue;
    }
    try {
      values[key] = spec.convert(raw[0] as string);
      for (const extra of raw.slice(1)) spec.convert(extra); // every value is converted; any failure is reported
    } catch (error) {
      const message = error instanceof ArgumentError ? error.message : String(error);
      return { ok: false, body: restfulJson({ message: { [spec.name]: message } }) };
    }
  }
  if (strict) {
    const known = new Set(Object.values(specs).map((s) => (s as ArgumentSpec<unknown>).name));
    const unknown = [...new Set([...params.keys()].filter((k) => !known.has(k)))];
    if (unknown.length > 0)
      return { ok: false, body: restfulJson({ message: `Unknown arguments: ${unknown.join(', ')}` }) };
  }
  return { ok: true, values };
}

// ---- bigchaindb/web/views/parameters.py ----

export function validTxid(raw: string): string {
  if (/^[a-fA-F0-9]{64}/.test(raw) && raw.length === 64) return raw.toLowerCase();
  throw new ArgumentError('Invalid hash');
}

export function validBool(raw: string): boolean {
  const value = raw.toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ArgumentError('Boolean value must be "true" or "false" (lowercase)');
}

export function validEd25519(raw: string): string {
  if (/^[1-9a-zA-Z]{43,44}$/.test(raw) && !/[Il0O]/.test(raw)) return raw;
  throw new ArgumentError('Invalid base58 ed25519 key');
}

export function validOperation(raw: string): 'CREATE' | 'TRANSFER' {
  const op = raw.toUpperCase();
  if (op === 'CREATE' || op === 'TRANSFER') return op;
  throw new ArgumentError('Operation must be "CREATE" or "TRANSFER"');
}

export type Mode = 'async' | 'sync' | 'commit';
export function validMode(raw: string): Mode {
  if (raw === 'async' || raw === 'sync' || raw === 'commit') return raw;
  throw new ArgumentError('Mode must be "async", "sync" or "commit"');
}

/** Python int(str): surrounding whitespace, a sign, digits (underscores between digits). */
export function pythonInt(raw: string): number {
  if (/^\s*[+-]?\d+(_\d+)*\s*$/.test(raw)) return Number(raw.replace(/_/g, '').trim());
  throw new ArgumentError(`invalid literal for int() with base 10: ${pythonStrRepr(raw)}`);
}

export function pythonStr(raw: string): string {
  return raw;
}
