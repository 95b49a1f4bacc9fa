// ?pageSize=&continuationToken= for the paged listings.
import type { HttpRequest } from '@azure/functions';
import type { HttpCheck } from './http-check';
import { validationProblem } from './problem';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/** Review items carry their reasons: smaller pages for the underwriters' console. */
export const MAX_REVIEW_PAGE_SIZE = 100;

export interface Paging {
  pageSize: number;
  continuationToken: string | undefined;
}

export function pagingOf(request: HttpRequest, maxPageSize = MAX_PAGE_SIZE): HttpCheck<Paging> {
  const sizeText = request.query.get('pageSize');
  const pageSize = sizeText === null ? Math.min(DEFAULT_PAGE_SIZE, maxPageSize) : Number(sizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    const message = `must be a whole number from 1 to ${maxPageSize}`;
    return {
      ok: false,
      response: validationProblem(`query parameter pageSize ${message}`, [{ path: 'pageSize', message }]),
    };
  }
  return { ok: true, value: { pageSize, continuationToken: request.query.get('continuationToken') ?? undefined } };
}
