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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorted keys of a record (undefined values dropped) with `extra` added when absent. */
function sortedKeys(record: Record<string, unknown>, extra: string | undefined): string[] {
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  if (extra !== undefined && !keys.includes(extra)) keys.push(extra);
  return keys.sort(compareCodePoints);
}

/** The two canonical texts a v2.0 transaction is checked with. */
export interface TransactionTexts {
  /** serialize({...tx, id: null}): what the id hashes. */
  idText: string;
  /** serialize(tx with id null and every input's fulfillment null): the prefix of every input's signing message. */
  signingText: string;
  /** Where the top-level id's `null` starts in idText: serialize(tx) is idText with it replaced by the id. */
  idValueAt: number;
}

/**
 * Both texts in one walk over the transaction (they differ only in the inputs' fulfillment values), instead of
 * serializing a 1 KB transaction twice. Byte-identical to serialize() of the two objects the rules describe.
 */
export function serializeTransactionTexts(tx: Record<string, unknown>): TransactionTexts {
  const idOut: string[] = ['{'];
  const signingOut: string[] = ['{'];
  const keys = sortedKeys(tx, 'id');
  let idValueAt = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const head = `${i > 0 ? ',' : ''}${JSON.stringify(key)}:`;
    const value = tx[key];
    if (key === 'id') {
      idOut.push(head);
      for (const part of idOut) idValueAt += part.length;
      idOut.push('null');
      signingOut.push(head, 'null');
    } else if (key === 'inputs' && Array.isArray(value)) {
      idOut.push(head, '[');
      signingOut.push(head, '[');
      for (let j = 0; j < value.length; j++) {
        if (j > 0) {
          idOut.push(',');
          signingOut.push(',');
        }
        writeInput(value[j], idOut, signingOut);
      }
      idOut.push(']');
      signingOut.push(']');
    } else {
      const text: string[] = [];
      write(value, text);
      const joined = text.join('');
      idOut.push(head, joined);
      signingOut.push(head, joined);
    }
  }
  idOut.push('}');
  signingOut.push('}');
  return { idText: idOut.join(''), signingText: signingOut.join(''), idValueAt };
}

function writeInput(input: unknown, idOut: string[], signingOut: string[]): void {
  if (!isRecord(input)) {
    // Not an input object (the schema refuses it later); the id still hashes it as it is. The signing text
    // follows `{...input, fulfillment: null}` of the reference rules.
    write(input, idOut);
    const spread: Record<string, unknown> = { ...(input as object), fulfillment: null };
    write(spread, signingOut);
    return;
  }
  const idKeys = sortedKeys(input, undefined);
  const hasFulfillment = idKeys.includes('fulfillment');
  const keys = hasFulfillment ? idKeys : sortedKeys(input, 'fulfillment');
  idOut.push('{');
  signingOut.push('{');
  let idFirst = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const head = JSON.stringify(key) + ':';
    if (key === 'fulfillment') {
      signingOut.push(i > 0 ? ',' : '', head, 'null');
      if (hasFulfillment) {
        idOut.push(idFirst ? '' : ',', head);
        write(input[key], idOut);
        idFirst = false;
      }
      continue;
    }
    const text: string[] = [];
    write(input[key], text);
    const joined = text.join('');
    signingOut.push(i > 0 ? ',' : '', head, joined);
    idOut.push(idFirst ? '' : ',', head, joined);
    idFirst = false;
  }
  idOut.push('}');
  signingOut.push('}');
}
