// The three JSON/text encodings a BigchainDB 2.2.2 node writes, reproduced byte for byte:
// - flask.jsonify (Flask 1.1.2): sorted keys, "," and ":" separators, ASCII only, trailing newline
//   (make_error bodies, "/", "/api/v1/", the POST echo);
// - flask-restful 0.3.8 (`json.dumps(data)` + newline): insertion order, ", " and ": " separators, ASCII only
//   (GET transaction(s), blocks, outputs, assets, metadata, validators, reqparse errors);
// - Python `repr`, used inside jsonschema's error messages.

/** Python json's ensure_ascii: every character outside ' '..'~' becomes \uXXXX (lower-case hex). */
const NON_ASCII = /[\u007f-\uffff]/;
function asciiString(text: string): string {
  const quoted = JSON.stringify(text);
  if (!NON_ASCII.test(quoted)) return quoted;
  return quoted.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value}`);
  return JSON.stringify(value);
}

function write(value: unknown, sortKeys: boolean, itemSep: string, keySep: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(asciiString(value));
      return;
    case 'number':
      out.push(pythonNumber(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(itemSep);
          write(value[i], sortKeys, itemSep, keySep, out);
        }
        out.push(']');
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined);
      if (sortKeys) keys.sort();
      out.push('{');
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (i > 0) out.push(itemSep);
        out.push(asciiString(key), keySep);
        write(record[key], sortKeys, itemSep, keySep, out);
      }
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`cannot encode a ${typeof value}`);
  }
}

// One output array per document instead of an intermediate string per nested value (less garbage).
function dumps(value: unknown, sortKeys: boolean, itemSep: string, keySep: string): string {
  const out: string[] = [];
  write(value, sortKeys, itemSep, keySep, out);
  return out.join('');
}

/** flask.jsonify body (Flask 1.1.2 defaults, not debug). */
export function flaskJsonify(value: unknown): string {
  return `${dumps(value, true, ',', ':')}\n`;
}

/** Python `json.dumps(value)` with default arguments (no trailing newline). */
export function pythonJsonDumps(value: unknown): string {
  return dumps(value, false, ', ', ': ');
}

/** flask-restful's JSON representation: `json.dumps(value) + "\n"`. */
export function restfulJson(value: unknown): string {
  return `${pythonJsonDumps(value)}\n`;
}

/** Python 3 `repr(str)`: single quotes unless the text has ' and no ", escapes for \\, quotes and non-printables. */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0))
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python 3 `repr` of a JSON value as the json module loads it (dict, list, str, int/float, True/False/None). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return pythonStrRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number')
    return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pythonStrRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : typeof value;
}
