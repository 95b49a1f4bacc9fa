// Tiny JSON Schema (2020-12) builders, so the API document reads like the shapes it describes.
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const bool = (): Schema => ({ type: 'boolean' });
export const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
export const enumOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
export const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });

/** An object; `required` lists the always-present properties. Unknown properties are allowed (additive evolution). */
export function obj(properties: Record<string, Schema>, required: string[] = [], description?: string): Schema {
  return { type: 'object', ...(description ? { description } : {}), properties, required };
}
