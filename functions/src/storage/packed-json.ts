// Azure Tables caps a string property at 64 KiB (32K UTF-16 characters) and an entity at 1 MiB.
// Large JSON values (rating breakdowns, rating inputs) are stored as several string properties, and
// from 8 KB on deflated (a premium record's breakdown shrinks ~8×): every byte of a row is written by
// the app, sent, parsed by storage and billed, and the request body's size dominates the write
// path's CPU. Reads accept both forms (rows written before compression are plain).
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const CHUNK_CHARS = 30_000;
const MAX_CHUNKS = 30;
/** ~900K characters: leaves room for the other properties in 1 MiB. */
const MAX_CHARS = CHUNK_CHARS * MAX_CHUNKS;
/** Documents shorter than this stay plain: readable by eye, and deflating them saves little. */
const DEFLATE_FROM_CHARS = 8_192;
/** The `<name>Encoding` of a deflated document: raw DEFLATE (RFC 1951) in base64. */
const DEFLATE_BASE64 = 'deflate-base64';

/**
 * JSON with every non-ASCII character escaped (\uXXXX): sizes are exact (one byte per character) and
 * the text survives any byte-level chunking on the way (Azurite was seen corrupting a multi-byte
 * character that straddled a chunk boundary).
 */
function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function packJson(name: string, value: unknown): Record<string, string | number> {
  const json = JSON.stringify(value);
  if (json.length > MAX_CHARS) throw new RangeError(`${name} is too large to store (${json.length} characters)`);
  // Deflated text is base64, so it needs no escaping (asciiJson costs as much as deflating a large document).
  const deflated =
    json.length >= DEFLATE_FROM_CHARS ? deflateRawSync(json, { level: 1 }).toString('base64') : undefined;
  const isDeflated = deflated !== undefined && deflated.length < json.length;
  const text = isDeflated ? deflated : asciiJson(json);
  if (text.length > MAX_CHARS) throw new RangeError(`${name} is too large to store (${text.length} characters)`);
  const chunks = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
  const properties: Record<string, string | number> = { [`${name}Parts`]: chunks };
  if (isDeflated) properties[`${name}Encoding`] = DEFLATE_BASE64;
  for (let i = 0; i < chunks; i++) properties[`${name}${i}`] = text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  return properties;
}

export function unpackJson(entity: Record<string, unknown>, name: string): unknown {
  const parts = entity[`${name}Parts`];
  if (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1) return undefined;
  let text = '';
  for (let i = 0; i < parts; i++) {
    const chunk = entity[`${name}${i}`];
    if (typeof chunk !== 'string') throw new Error(`stored ${name} is missing part ${i}`);
    text += chunk;
  }
  const encoding = entity[`${name}Encoding`];
  if (encoding === undefined) return JSON.parse(text) as unknown;
  if (encoding !== DEFLATE_BASE64) throw new Error(`stored ${name} has an unknown encoding`);
  // Bounded like a plain document: a stored value never inflates past what packJson accepts (UTF-8: 3 bytes a character at most).
  const json = inflateRawSync(Buffer.from(text, 'base64'), { maxOutputLength: 3 * MAX_CHARS });
  return JSON.parse(json.toString('utf8')) as unknown;
}
