// Azure Tables caps a string property at 64 KiB (32K UTF-16 characters) and an entity at 1 MiB.
// Large JSON values (rating breakdowns, rating inputs) are stored as several string properties.
const CHUNK_CHARS = 30_000;
const MAX_CHUNKS = 30; // ~900K characters: leaves room for the other properties in 1 MiB

/**
 * JSON with every non-ASCII character escaped (\uXXXX): sizes are exact (one byte per character) and
 * the text survives any byte-level chunking on the way (Azurite was seen corrupting a multi-byte
 * character that straddled a chunk boundary).
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function packJson(name: string, value: unknown): Record<string, string | number> {
  const text = asciiJson(value);
  const chunks = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
  if (chunks > MAX_CHUNKS) throw new RangeError(`${name} is too large to store (${text.length} characters)`);
  const properties: Record<string, string | number> = { [`${name}Parts`]: chunks };
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
  return JSON.parse(text) as unknown;
}
