// ?pageSize=&continuationToken= for the paged listings.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { validationProblem } from './problem';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export type PagingResult = { ok: true; pageSize: number; continuationToken: string | undefined } | { ok: false; response: HttpResponseInit };

export function pagingOf(request: HttpRequest): PagingResult {
  const sizeText = request.query.get('pageSize');
  const pageSize = sizeText === null ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    const message = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
    return { ok: false, response: validationProblem(`query parameter pageSize ${message}`, [{ path: 'pageSize', message }]) };
  }
  return { ok: true, pageSize, continuationToken: request.query.get('continuationToken') ?? undefined };
}
