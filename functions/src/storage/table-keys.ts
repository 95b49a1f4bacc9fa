// PartitionKey/RowKey rules: at most 1 KiB, and none of / \ # ? or control characters. Every key
// this app writes goes through encodeKey, so any string is safe and the mapping is reversible.
// eslint-disable-next-line no-control-regex -- control characters are exactly what Azure forbids in keys
const FORBIDDEN = /[/\\#?%\u0000-\u001f\u007f-\u009f]/g;

export function encodeKey(value: string): string {
  const encoded = value.replace(FORBIDDEN, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (encoded.length > 512) throw new RangeError(`key too long for Azure Tables (${encoded.length} characters)`);
  return encoded;
}

export function decodeKey(value: string): string {
  return value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Zero-padded so lexical RowKey order is numeric order. */
export function padNumber(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot pad ${value}`);
  const digits = String(value);
  if (digits.length > width) throw new RangeError(`${value} does not fit in ${width} digits`);
  return digits.padStart(width, '0');
}

/** The smallest string greater than every string starting with `prefix` (for RowKey range scans). */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\uffff`;
}

/** OData string literal (single quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
