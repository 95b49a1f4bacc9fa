// BigchainDB canonical JSON (common/utils.py serialize = rapidjson.dumps(ensure_ascii=False, sort_keys=True)):
// keys sorted by code point, no whitespace, non-ASCII written raw. JSON.stringify escapes strings exactly as
// Python does (\" \\ \b \f \n \r \t, other controls as \u00xx), so it is used for scalars.

function compareCodePoints(a: string, b: string): number {
  // Python sorts str by code point; JS `<` compares UTF-16 units, which differs only past U+FFFF vs U+E000-U+FFFF.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot serialize ${value}`);
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new TypeError(`cannot serialize a ${typeof value}`);
    }
    out.push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  keys.sort(compareCodePoints);
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write(record[key], out);
  }
  out.push('}');
}

/** Canonical JSON of a JSON value, byte-compatible with BigchainDB's `serialize` for integers, strings, bools, null. */
export function serialize(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}
