// Validation issues as the package reports them: a dotted path into the input (array indices as
// numbers, e.g. "data.newOwners.0") and a reason, so a 400 can tell the sender what to fix.
import { type z } from 'zod';
import type { Result } from './result';

export interface ValidationIssue {
  /** Dotted path into the validated value; "" for the value itself. */
  path: string;
  message: string;
}

export type Parsed<T> = Result<T, { issues: ValidationIssue[] }>;

/** "a.b: msg; c: msg" (an issue on the whole value prints its message alone). */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * A refinement that compares a field with a sibling (e.g. endDate after startDate) cannot know
 * where its object sits in the input. It records the relation and the sibling's name in `params`;
 * toValidationIssues resolves the sibling against the issue's full path, so the same schema says
 * "endDate: must be after startDate" standalone and
 * "data.lease.endDate: must be after data.lease.startDate" inside an event.
 */
export function addSiblingIssue(ctx: z.RefinementCtx, field: string, relation: string, sibling: string): void {
  ctx.addIssue({ code: 'custom', path: [field], message: `${relation} ${sibling}`, params: { relation, sibling } });
}

function siblingMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'custom') return undefined;
  const relation: unknown = issue.params?.relation;
  const sibling: unknown = issue.params?.sibling;
  if (typeof relation !== 'string' || typeof sibling !== 'string') return undefined;
  return `${relation} ${formatPath([...issue.path.slice(0, -1), sibling])}`;
}

export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: siblingMessage(issue) ?? issue.message,
  }));
}

/** Per-parse error map: a missing field says so instead of "expected string, received undefined". */
const reportMissing: z.core.$ZodErrorMap = (issue) =>
  (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined
    ? 'is required'
    : undefined;

/** safeParse with the package's issue format. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input, { error: reportMissing });
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toValidationIssues(result.error) };
}
