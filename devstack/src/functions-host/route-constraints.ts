/**
 * ASP.NET Core inline route constraints, as the Functions host uses them for `route` templates
 * (`{id:int}`, `{name:alpha}`, `{x:range(1,9)}`...). Unknown constraint names are rejected at startup,
 * like the real host, which fails to index such a function.
 */
export type RouteConstraint = (value: string) => boolean;

const integerPattern = /^[+-]?\d+$/;
const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const guidPattern =
  /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\))$/i;

function inIntegerRange(value: string, min: bigint, max: bigint): boolean {
  if (!integerPattern.test(value)) return false;
  const parsed = BigInt(value);
  return parsed >= min && parsed <= max;
}

const int32 = (value: string): boolean => inIntegerRange(value, -2147483648n, 2147483647n);
const int64 = (value: string): boolean => inIntegerRange(value, -9223372036854775808n, 9223372036854775807n);

function integerArgs(name: string, args: string[], count: number): bigint[] {
  if (args.length !== count || !args.every((arg) => integerPattern.test(arg.trim()))) {
    throw new Error(`Route constraint "${name}" needs ${count} integer argument(s), got (${args.join(',')})`);
  }
  return args.map((arg) => BigInt(arg.trim()));
}

function lengthOf(value: string): number {
  return [...value].length;
}

/** Builds one constraint; `args` is the raw text inside the parentheses, or undefined. */
export function createConstraint(name: string, rawArgs: string | undefined): RouteConstraint {
  const args = rawArgs === undefined ? [] : name.toLowerCase() === 'regex' ? [rawArgs] : rawArgs.split(',');
  const noArgs = (constraint: RouteConstraint): RouteConstraint => {
    if (rawArgs !== undefined) throw new Error(`Route constraint "${name}" takes no arguments`);
    return constraint;
  };
  switch (name.toLowerCase()) {
    case 'int':
      return noArgs(int32);
    case 'long':
      return noArgs(int64);
    case 'bool':
      return noArgs((value) => /^(true|false)$/i.test(value));
    case 'alpha':
      return noArgs((value) => /^[a-z]+$/i.test(value));
    case 'guid':
      return noArgs((value) => guidPattern.test(value));
    case 'decimal':
    case 'double':
    case 'float':
      return noArgs((value) => decimalPattern.test(value));
    case 'datetime':
      return noArgs((value) => !Number.isNaN(Date.parse(value)));
    case 'required':
      return noArgs((value) => value.length > 0);
    case 'min': {
      const [min] = integerArgs(name, args, 1) as [bigint];
      return (value) => int64(value) && BigInt(value) >= min;
    }
    case 'max': {
      const [max] = integerArgs(name, args, 1) as [bigint];
      return (value) => int64(value) && BigInt(value) <= max;
    }
    case 'range': {
      const [min, max] = integerArgs(name, args, 2) as [bigint, bigint];
      return (value) => int64(value) && BigInt(value) >= min && BigInt(value) <= max;
    }
    case 'length': {
      const bounds = integerArgs(name, args, args.length === 2 ? 2 : 1).map(Number);
      const [min, max] = bounds.length === 2 ? (bounds as [number, number]) : [bounds[0] ?? 0, bounds[0] ?? 0];
      return (value) => lengthOf(value) >= min && lengthOf(value) <= max;
    }
    case 'minlength': {
      const [min] = integerArgs(name, args, 1).map(Number) as [number];
      return (value) => lengthOf(value) >= min;
    }
    case 'maxlength': {
      const [max] = integerArgs(name, args, 1).map(Number) as [number];
      return (value) => lengthOf(value) <= max;
    }
    case 'regex': {
      if (rawArgs === undefined) throw new Error('Route constraint "regex" needs a pattern');
      // ASP.NET evaluates the pattern case-insensitively and unanchored unless the pattern anchors itself.
      const pattern = new RegExp(rawArgs, 'i');
      return (value) => pattern.test(value);
    }
    default:
      throw new Error(`Unknown route constraint "${name}"`);
  }
}
