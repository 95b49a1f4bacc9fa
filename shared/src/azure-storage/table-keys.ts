// PartitionKey and RowKey may not hold / \ # ? or control characters and are at most 1 KiB
// (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
// Every key written from outside text goes through encodeTableKey: percent-encoding as in
// encodeURIComponent, plus ! ' ( ) *, so any string is safe, the mapping is reversible and escapes
// are always upper-case hex (a key with "%" and lower-case hex is never an encoded one).

/** Longest encoded key (1 KiB of UTF-16). */
const MAX_KEY_CHARS = 512;

export function encodeTableKey(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    throw new RangeError('a table key must be well-formed Unicode text'); // a lone surrogate
  }
  if (encoded.length > MAX_KEY_CHARS)
    throw new RangeError(`key too long for Azure Tables (${encoded.length} characters)`);
  return encoded;
}

/** The text an encoded key stands for; a key that is not an encoded one is returned as it is. */
export function decodeTableKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Zero-padded so lexical RowKey order is numeric order. */
export function padNumber(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot pad ${value}`);
  const digits = String(value);
  if (digits.length > width) throw new RangeError(`${value} does not fit in ${width} digits`);
  return digits.padStart(width, '0');
}

/** OData string literal (single quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
