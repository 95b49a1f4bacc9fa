// A deliberately small, text-level reader of Bicep (no compiler runs offline; see infra/README.md).
// It masks comments and string contents so brackets and keywords can be matched safely, then splits
// a file into its top-level declarations. It understands what our templates use — params with
// decorators, vars, resources, modules, outputs, object literals — and nothing more: anything it
// cannot place is reported by the checks rather than guessed.

export interface Masked {
  /** The source with comments blanked and string contents replaced by spaces (same length, same newlines). */
  masked: string;
  /** The original source. */
  source: string;
  /** The source with comments blanked (strings intact): what values are read from. */
  uncommented: string;
  /** Every string literal: [start, end) of its content in both texts, and its raw content. */
  strings: { start: number; end: number; value: string }[];
}

/** Masks comments and string contents (single-quoted with escapes and ${} interpolation, and '''multi-line'''). */
export function maskBicep(source: string): Masked {
  const out = source.split('');
  const noComments = source.split('');
  const strings: Masked['strings'] = [];
  const blank = (from: number, to: number, comment = false): void => {
    for (let k = from; k < to; k++) {
      if (out[k] === '\n') continue;
      out[k] = ' ';
      if (comment) noComments[k] = ' ';
    }
  };
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (char === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      blank(i, stop, true);
      i = stop;
    } else if (char === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(i, stop, true);
      i = stop;
    } else if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      const stop = end === -1 ? source.length : end;
      strings.push({ start: i + 3, end: stop, value: source.slice(i + 3, stop) });
      blank(i + 3, stop);
      i = stop + 3;
    } else if (char === "'") {
      // Walk the string, skipping escapes and balanced ${...} interpolations (which may hold strings).
      let j = i + 1;
      let interpolationDepth = 0;
      while (j < source.length) {
        const c = source[j]!;
        if (interpolationDepth === 0) {
          if (c === '\\') j += 2;
          else if (c === '$' && source[j + 1] === '{') {
            interpolationDepth = 1;
            j += 2;
          } else if (c === "'") break;
          else j++;
        } else {
          if (c === "'") {
            // a nested string inside an interpolation
            j++;
            while (j < source.length && source[j] !== "'") j += source[j] === '\\' ? 2 : 1;
            j++;
          } else {
            if (c === '{') interpolationDepth++;
            else if (c === '}') interpolationDepth--;
            j++;
          }
        }
      }
      strings.push({ start: i + 1, end: j, value: source.slice(i + 1, j) });
      blank(i + 1, j);
      i = j + 1;
    } else {
      i++;
    }
  }
  return { masked: out.join(''), source, uncommented: noComments.join(''), strings };
}

/** The string literal whose content starts at or after `from` (the next one in the text). */
export function nextString(m: Masked, from: number): { start: number; end: number; value: string } | undefined {
  return m.strings.find((s) => s.start >= from);
}

/** Index of the bracket matching the one at `open` in the masked text, or -1. */
export function matchingBracket(masked: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i]!;
    if (c in pairs) stack.push(pairs[c]!);
    else if (c === '}' || c === ']' || c === ')') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

export type DeclarationKind = 'param' | 'var' | 'resource' | 'module' | 'output' | 'targetScope' | 'type' | 'func' | 'import' | 'metadata';

export interface Declaration {
  kind: DeclarationKind;
  /** Symbolic name (param/var/resource/module/output name). */
  name: string;
  /** [start, end) of the declaration (decorators excluded) in the source. */
  start: number;
  end: number;
  /** Decorator lines written just above it, e.g. "@secure()". */
  decorators: string[];
}

const KINDS: DeclarationKind[] = ['param', 'var', 'resource', 'module', 'output', 'targetScope', 'type', 'func', 'import', 'metadata'];

/** Splits a file into top-level declarations. A statement ends at the first newline at bracket depth 0. */
export function declarations(m: Masked): Declaration[] {
  const result: Declaration[] = [];
  const { masked } = m;
  let pendingDecorators: string[] = [];
  let i = 0;
  while (i < masked.length) {
    // at the start of a line at depth 0
    const lineEnd = masked.indexOf('\n', i) === -1 ? masked.length : masked.indexOf('\n', i);
    const line = masked.slice(i, lineEnd);
    const trimmed = line.trim();
    if (trimmed.length > 0) {
      const statementStart = i + line.indexOf(trimmed[0]!);
      // find the end of this statement: newline at depth 0
      let j = statementStart;
      let d = 0;
      for (; j < masked.length; j++) {
        const c = masked[j]!;
        if (c === '{' || c === '[' || c === '(') d++;
        else if (c === '}' || c === ']' || c === ')') d--;
        else if (c === '\n' && d <= 0) break;
      }
      const text = m.uncommented.slice(statementStart, j);
      if (trimmed.startsWith('@')) {
        pendingDecorators.push(text.trim());
      } else if (trimmed.startsWith('#')) {
        // a pragma such as #disable-next-line: keeps the decorators above it
      } else {
        const keyword = /^([A-Za-z]+)\b/.exec(trimmed)?.[1] as DeclarationKind | undefined;
        if (keyword && KINDS.includes(keyword)) {
          const name = /^[A-Za-z]+\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(trimmed)?.[1] ?? '';
          result.push({ kind: keyword, name, start: statementStart, end: j, decorators: pendingDecorators });
        }
        pendingDecorators = [];
      }
      i = j + 1;
      continue;
    }
    i = lineEnd + 1;
  }
  return result;
}

export interface ParamInfo {
  name: string;
  type: string;
  hasDefault: boolean;
  secure: boolean;
  allowed: string[] | undefined;
}

export function paramInfo(m: Masked, d: Declaration): ParamInfo {
  const text = m.masked.slice(d.start, d.end);
  const match = /^param\s+([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*(?:\[\])?)\s*(=)?/.exec(text);
  const allowedDecorator = d.decorators.find((decorator) => decorator.startsWith('@allowed'));
  const allowed = allowedDecorator ? [...allowedDecorator.matchAll(/'([^']*)'|(-?\d+)/g)].map((x) => x[1] ?? x[2]!) : undefined;
  return {
    name: match?.[1] ?? d.name,
    type: match?.[2] ?? 'unknown',
    hasDefault: match?.[3] === '=',
    secure: d.decorators.some((decorator) => decorator.startsWith('@secure')),
    allowed,
  };
}

/** The value expression of a `var x = ...` / `output x type = ...` / `param x type = ...` declaration. */
export function valueRange(m: Masked, d: Declaration): { start: number; end: number } | undefined {
  const text = m.masked.slice(d.start, d.end);
  const eq = text.indexOf('=');
  if (eq === -1) return undefined;
  return { start: d.start + eq + 1, end: d.end };
}

/** For resource/module declarations: the quoted type or path, and the body's { } range. */
export function resourceOrModule(m: Masked, d: Declaration): { target: string; condition: boolean; existing: boolean; body: { start: number; end: number } | undefined } {
  const target = nextString(m, d.start)?.value ?? '';
  const text = m.masked.slice(d.start, d.end);
  const eq = text.indexOf('=');
  const afterEq = eq === -1 ? '' : text.slice(eq + 1);
  const condition = /^\s*if\s*\(/.test(afterEq);
  const existing = /\bexisting\s*=/.test(text);
  const braceRelative = text.indexOf('{', eq === -1 ? 0 : eq);
  if (braceRelative === -1) return { target, condition, existing, body: undefined };
  const open = d.start + braceRelative;
  const close = matchingBracket(m.masked, open);
  return { target, condition, existing, body: close === -1 ? undefined : { start: open, end: close + 1 } };
}

export interface ObjectProperty {
  key: string;
  /** [start, end) of the value expression in the source. */
  valueStart: number;
  valueEnd: number;
  /** How many `{` frames enclose the key within the scanned range (1 = a property of the outermost object). */
  objectDepth: number;
}

/**
 * Properties of the object literals in [start, end): every `key: value` whose key sits directly inside
 * a `{ }` (keys of nested objects carry a larger objectDepth). Keys may be identifiers or quoted.
 */
export function objectProperties(m: Masked, start: number, end: number): ObjectProperty[] {
  const props: ObjectProperty[] = [];
  const stack: string[] = [];
  let expectKey = false;
  const objectDepth = (): number => stack.filter((b) => b === '{').length;
  for (let i = start; i < end; i++) {
    const c = m.masked[i]!;
    if (c === '{' || c === '[' || c === '(') {
      stack.push(c);
      expectKey = c === '{';
      continue;
    }
    if (c === '}' || c === ']' || c === ')') {
      stack.pop();
      expectKey = false;
      continue;
    }
    const inObject = stack[stack.length - 1] === '{';
    if ((c === '\n' || c === ',') && inObject) {
      expectKey = true;
      continue;
    }
    if (!expectKey || !inObject || /\s/.test(c)) continue;
    expectKey = false;
    let key: string | undefined;
    let keyLength = 0;
    const identifier = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(m.masked.slice(i, Math.min(end, i + 200)));
    if (identifier) {
      key = identifier[1]!;
      keyLength = identifier[0].length;
    } else if (c === "'") {
      const literal = nextString(m, i + 1);
      const colon = literal && literal.start === i + 1 ? /^'\s*:/.exec(m.masked.slice(literal.end, literal.end + 40)) : null;
      if (literal && colon) {
        key = literal.value;
        keyLength = literal.end + colon[0].length - i;
      }
    }
    if (key === undefined) continue;
    const valueStart = i + keyLength;
    // The value runs to the next newline or comma at this object's level.
    let j = valueStart;
    let d = 0;
    for (; j < end; j++) {
      const v = m.masked[j]!;
      if (v === '{' || v === '[' || v === '(') d++;
      else if (v === '}' || v === ']' || v === ')') {
        if (d === 0) break;
        d--;
      } else if ((v === '\n' || v === ',') && d === 0) break;
    }
    props.push({ key, valueStart, valueEnd: j, objectDepth: objectDepth() });
    i = valueStart - 1; // keep scanning inside the value: nested objects report deeper keys
  }
  return props;
}

/** The source text of a range, trimmed. */
export function textOf(m: Masked, range: { start: number; end: number } | { valueStart: number; valueEnd: number }): string {
  return 'start' in range ? m.uncommented.slice(range.start, range.end).trim() : m.uncommented.slice(range.valueStart, range.valueEnd).trim();
}

/** Top-level properties of the first object literal in [start, end) (e.g. a module's `params: { ... }`). */
export function propertyOf(m: Masked, start: number, end: number, key: string, depth = 1): ObjectProperty | undefined {
  return objectProperties(m, start, end).find((p) => p.key === key && p.objectDepth === depth);
}

export class BicepFile {
  readonly m: Masked;
  readonly decls: Declaration[];
  constructor(
    readonly path: string,
    source: string,
  ) {
    this.m = maskBicep(source);
    this.decls = declarations(this.m);
  }
  of(kind: DeclarationKind): Declaration[] {
    return this.decls.filter((d) => d.kind === kind);
  }
  find(kind: DeclarationKind, name: string): Declaration | undefined {
    return this.decls.find((d) => d.kind === kind && d.name === name);
  }
  params(): ParamInfo[] {
    return this.of('param').map((d) => paramInfo(this.m, d));
  }
}
