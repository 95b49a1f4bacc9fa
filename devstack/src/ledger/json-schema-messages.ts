// The error message Python `jsonschema` 3.2.0 (the version BigchainDB 2.2.2 pins) reports for a draft-04
// schema: its validators' iteration order and wording, and `best_match`'s choice among the errors. Only the
// keywords the BigchainDB transaction schemas use are implemented. Acceptance itself is decided by ajv
// (schema-validator.ts); this module only explains a rejection the way the real node words it.
import { pythonRepr } from './python-json';

type Schema = Record<string, unknown>;
interface SchemaError {
  message: string;
  validator: string;
  path: (string | number)[];
  context: SchemaError[];
}

const WEAK_MATCHES = new Set(['anyOf', 'oneOf']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

function pythonEquals(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const regexCache = new Map<string, RegExp>();
function search(pattern: string, text: string): boolean {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    regexCache.set(pattern, re);
  }
  return re.test(text);
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part] : undefined;
  if (!isObject(node)) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

function error(message: string, validator: string, context: SchemaError[] = []): SchemaError {
  return { message, validator, path: [], context };
}

function* descend(root: Schema, instance: unknown, schema: Schema, path?: string | number): Generator<SchemaError> {
  for (const e of iterErrors(root, instance, schema)) {
    if (path !== undefined) e.path.unshift(path);
    yield e;
  }
}

function* iterErrors(root: Schema, instance: unknown, schema: Schema): Generator<SchemaError> {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    yield* descend(root, instance, resolveRef(root, ref));
    return;
  }
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(value) ? value : [value];
        if (!types.some((t) => isType(instance, t))) {
          yield error(`${pythonRepr(instance)} is not of type ${types.map((t) => pythonRepr(t)).join(', ')}`, keyword);
        }
        break;
      }
      case 'properties':
        if (isObject(instance) && isObject(value)) {
          for (const [name, sub] of Object.entries(value)) {
            if (Object.hasOwn(instance, name) && isObject(sub)) yield* descend(root, instance[name], sub, name);
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(instance)) {
          const declared = isObject(schema.properties) ? schema.properties : {};
          const extras = Object.keys(instance).filter((k) => !Object.hasOwn(declared, k));
          if (isObject(value)) {
            for (const extra of extras) yield* descend(root, instance[extra], value, extra);
          } else if (value === false && extras.length > 0) {
            const verb = extras.length === 1 ? 'was' : 'were';
            yield error(
              `Additional properties are not allowed (${extras.map((e) => pythonRepr(e)).join(', ')} ${verb} unexpected)`,
              keyword,
            );
          }
        }
        break;
      case 'required':
        if (isObject(instance) && Array.isArray(value)) {
          for (const name of value) {
            if (typeof name === 'string' && !Object.hasOwn(instance, name))
              yield error(`${pythonRepr(name)} is a required property`, keyword);
          }
        }
        break;
      case 'items':
        if (Array.isArray(instance) && isObject(value)) {
          for (let i = 0; i < instance.length; i++) yield* descend(root, instance[i], value, i);
        }
        break;
      case 'pattern':
        if (typeof instance === 'string' && typeof value === 'string' && !search(value, instance)) {
          yield error(`${pythonRepr(instance)} does not match ${pythonRepr(value)}`, keyword);
        }
        break;
      case 'enum':
        if (Array.isArray(value) && !value.some((v) => pythonEquals(v, instance))) {
          yield error(`${pythonRepr(instance)} is not one of ${pythonRepr(value)}`, keyword);
        }
        break;
      case 'anyOf':
        if (Array.isArray(value)) {
          const all: SchemaError[] = [];
          let matched = false;
          for (const sub of value) {
            const errs = isObject(sub) ? [...iterErrors(root, instance, sub)] : [];
            if (errs.length === 0) {
              matched = true;
              break;
            }
            all.push(...errs);
          }
          if (!matched)
            yield error(`${pythonRepr(instance)} is not valid under any of the given schemas`, keyword, all);
        }
        break;
      case 'minimum':
      case 'maximum':
        if (typeof instance === 'number' && typeof value === 'number') {
          const min = keyword === 'minimum';
          const exclusive = schema[min ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
          const failed = min
            ? exclusive
              ? instance <= value
              : instance < value
            : exclusive
              ? instance >= value
              : instance > value;
          const cmp = `${min ? 'less' : 'greater'} than${exclusive ? ' or equal to' : ''}`;
          if (failed) yield error(`${pythonRepr(instance)} is ${cmp} the ${keyword} of ${pythonRepr(value)}`, keyword);
        }
        break;
      case 'minItems':
        if (Array.isArray(instance) && typeof value === 'number' && instance.length < value)
          yield error(`${pythonRepr(instance)} is too short`, keyword);
        break;
      case 'maxItems':
        if (Array.isArray(instance) && typeof value === 'number' && instance.length > value)
          yield error(`${pythonRepr(instance)} is too long`, keyword);
        break;
      case 'minProperties':
        if (isObject(instance) && typeof value === 'number' && Object.keys(instance).length < value) {
          yield error(`${pythonRepr(instance)} does not have enough properties`, keyword);
        }
        break;
      default:
        break; // $schema, title, definitions, ... carry no assertion
    }
  }
}

/** jsonschema.exceptions.relevance: shorter paths first, weak (anyOf/oneOf) matches last. */
function relevance(e: SchemaError): [number, number] {
  return [-e.path.length, WEAK_MATCHES.has(e.validator) ? 0 : 1];
}
function compare(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** The message `jsonschema.validate(instance, schema)` raises, or undefined when the instance is valid. */
export function bestMatchMessage(instance: unknown, schema: Schema): string | undefined {
  let best: SchemaError | undefined;
  for (const e of iterErrors(schema, instance, schema)) {
    if (!best || compare(relevance(e), relevance(best)) > 0) best = e; // max(): first maximal wins
  }
  while (best && best.context.length > 0) {
    let min: SchemaError = best.context[0] as SchemaError;
    for (const e of best.context) if (compare(relevance(e), relevance(min)) < 0) min = e; // min(): first minimal wins
    best = min;
  }
  return best?.message;
}
