// RFC 9457 problem details: every error this API returns has this shape.
import type { HttpResponseInit } from '@azure/functions';
import type { ValidationIssue } from '@lease-premium/events';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://schemas.lease-premium.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Validation failures: each path into the request and what is wrong there. */
  errors?: ValidationIssue[];
  /** The function invocation to quote when asking about a 500. */
  invocationId?: string;
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  extra: { errors?: ValidationIssue[]; invocationId?: string; headers?: Record<string, string> } = {},
): HttpResponseInit {
  const body: Problem = {
    type: `${PROBLEM_BASE}${slug}`,
    title,
    status,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
    ...(extra.invocationId ? { invocationId: extra.invocationId } : {}),
  };
  return { status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...extra.headers }, body: JSON.stringify(body) };
}

export function validationProblem(detail: string, errors: ValidationIssue[]): HttpResponseInit {
  return problem(400, 'validation', 'Request is not valid', detail, { errors });
}

export function notFound(detail: string): HttpResponseInit {
  return problem(404, 'not-found', 'Not found', detail);
}

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body };
}
