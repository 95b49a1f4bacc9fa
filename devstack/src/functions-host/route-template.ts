import { createConstraint, type RouteConstraint } from './route-constraints';

/**
 * ASP.NET Core route templates as used by Functions `route` values: literal segments, `{name}`,
 * optional `{name?}`, defaults `{name=value}`, catch-all `{*rest}` / `{**rest}`, inline constraints
 * (`{id:int:min(1)}`), complex segments (`{file}.{ext}`), `{{`/`}}` escapes. Matching is
 * case-insensitive; parameter values are URL-decoded except an encoded slash (%2F).
 */
export interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: RouteConstraint[];
}

type SegmentPart = { kind: 'literal'; text: string } | { kind: 'parameter'; parameter: RouteParameter };

interface Segment {
  parts: SegmentPart[];
}

export interface RouteTemplate {
  template: string;
  parameters: RouteParameter[];
  /** Per-segment precedence ranks, lower = more specific (literal < constrained < plain < catch-all). */
  precedence: number[];
  match(decodedPath: string): Record<string, string> | null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds where a constraint argument list closes: a ')' followed by ':', '?', '=' or the end. */
function closingParenthesis(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const next = text[i + 1];
    if (text[i] === ')' && (next === undefined || next === ':' || next === '?' || next === '=')) return i;
  }
  return -1;
}

function parseParameter(body: string, template: string): RouteParameter {
  let text = body;
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  const nameMatch = /^[^:?=]+/.exec(text);
  if (!nameMatch) throw new Error(`Route template "${template}": empty parameter name in "{${body}}"`);
  const name = nameMatch[0].trim();
  let i = name.length;
  const constraints: RouteConstraint[] = [];
  while (text[i] === ':') {
    const constraintName = /^[A-Za-z0-9_]+/.exec(text.slice(i + 1));
    if (!constraintName) throw new Error(`Route template "${template}": bad constraint in "{${body}}"`);
    i += 1 + constraintName[0].length;
    let args: string | undefined;
    if (text[i] === '(') {
      const close = closingParenthesis(text, i + 1);
      if (close < 0) throw new Error(`Route template "${template}": unclosed "(" in "{${body}}"`);
      args = text.slice(i + 1, close);
      i = close + 1;
    }
    constraints.push(createConstraint(constraintName[0], args));
  }
  let optional = false;
  let defaultValue: string | undefined;
  if (text[i] === '?' && i === text.length - 1) {
    optional = true;
  } else if (text[i] === '=') {
    defaultValue = text.slice(i + 1);
  } else if (i !== text.length) {
    throw new Error(`Route template "${template}": cannot parse "{${body}}"`);
  }
  if (catchAll && optional)
    throw new Error(`Route template "${template}": a catch-all parameter cannot be marked optional`);
  return { name, optional, catchAll, defaultValue, constraints };
}

function parseSegment(text: string, template: string): Segment {
  const parts: SegmentPart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '{' && text[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (char === '}' && text[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (char === '{') {
      let end = i + 1;
      let body = '';
      // `}}` inside a parameter (e.g. a regex quantifier) is an escaped brace.
      while (end < text.length && !(text[end] === '}' && text[end + 1] !== '}')) {
        if (text[end] === '}' || (text[end] === '{' && text[end + 1] === '{')) {
          body += text[end];
          end += 2;
        } else {
          body += text[end];
          end += 1;
        }
      }
      if (end >= text.length) throw new Error(`Route template "${template}": unclosed "{"`);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push({ kind: 'parameter', parameter: parseParameter(body, template) });
      i = end + 1;
    } else if (char === '}') {
      throw new Error(`Route template "${template}": unmatched "}"`);
    } else {
      literal += char;
      i += 1;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  for (let p = 1; p < parts.length; p++) {
    if (parts[p]?.kind === 'parameter' && parts[p - 1]?.kind === 'parameter') {
      throw new Error(`Route template "${template}": two parameters in a segment need a literal between them`);
    }
  }
  return { parts };
}

function segmentRank(segment: Segment): number {
  const [only] = segment.parts;
  if (segment.parts.length === 1 && only?.kind === 'literal') return 1;
  if (segment.parts.length > 1) return 2;
  const parameter = only?.kind === 'parameter' ? only.parameter : undefined;
  if (parameter?.catchAll) return parameter.constraints.length > 0 ? 5 : 6;
  return parameter && parameter.constraints.length > 0 ? 3 : 4;
}

/** A segment that may be left out of the URL: a lone optional, defaulted or catch-all parameter. */
function isOmittable(segment: Segment): boolean {
  const [only] = segment.parts;
  return (
    segment.parts.length === 1 &&
    only?.kind === 'parameter' &&
    (only.parameter.optional || only.parameter.catchAll || only.parameter.defaultValue !== undefined)
  );
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^~?\//, '').replace(/\/$/, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map((text) => parseSegment(text, template));
  const parameters: RouteParameter[] = [];
  const seen = new Set<string>();
  let pattern = '';
  segments.forEach((segment, index) => {
    if (segment.parts.length === 0) throw new Error(`Route template "${template}": empty segment`);
    let fragment = '';
    for (const part of segment.parts) {
      if (part.kind === 'literal') {
        fragment += escapeRegExp(part.text);
        continue;
      }
      const { parameter } = part;
      const key = parameter.name.toLowerCase();
      if (seen.has(key)) throw new Error(`Route template "${template}": parameter "${parameter.name}" appears twice`);
      seen.add(key);
      if (parameter.catchAll && index !== segments.length - 1)
        throw new Error(`Route template "${template}": a catch-all parameter must be last`);
      parameters.push(parameter);
      fragment += parameter.catchAll ? '(.*)' : segment.parts.length > 1 ? '([^/]+?)' : '([^/]+)';
    }
    const separator = index === 0 ? '' : '/';
    if (isOmittable(segment)) {
      const rest = segments.slice(index + 1);
      if (!rest.every(isOmittable))
        throw new Error(`Route template "${template}": an optional parameter must be at the end`);
      pattern += `(?:${separator}${fragment})?`;
    } else {
      pattern += separator + fragment;
    }
  });
  const regex = new RegExp(`^${pattern}$`, 'i');
  return {
    template,
    parameters,
    precedence: segments.map(segmentRank),
    match(decodedPath: string): Record<string, string> | null {
      const found = regex.exec(decodedPath.replace(/^\//, '').replace(/\/$/, ''));
      if (!found) return null;
      const values: Record<string, string> = {};
      for (let p = 0; p < parameters.length; p++) {
        const parameter = parameters[p] as RouteParameter;
        const captured = found[p + 1];
        if (captured === undefined || captured === '') {
          if (parameter.defaultValue !== undefined) values[parameter.name] = parameter.defaultValue;
          continue;
        }
        if (!parameter.constraints.every((constraint) => constraint(captured))) return null;
        values[parameter.name] = captured;
      }
      return values;
    },
  };
}

/** Orders templates from most to least specific (ASP.NET route precedence), stable otherwise. */
export function comparePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.min(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const difference = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return b.precedence.length - a.precedence.length;
}

/** Decodes a raw URL path like ASP.NET Core: every escape except %2F (so it cannot split segments). */
export function decodePath(rawPath: string): string | null {
  if (!rawPath.includes('%')) return rawPath;
  try {
    return rawPath
      .split(/%2F/i)
      .map((piece) => decodeURIComponent(piece))
      .join('%2F');
  } catch {
    return null;
  }
}
