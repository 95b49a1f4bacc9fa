// The shared shape of the "append one incident to a driver's history" endpoints (claims, violations):
// validate the path key and the body (with the rules of the day of writing), append, and answer 201
// when added, 200 when the same item was already recorded (a retry), 404 for an unknown driver, 409
// when the stored profile must be repaired first or the append would exceed a cap.
import type { HttpHandler } from '@azure/functions';
import { parseWith, type Parsed, type ValidationIssue } from '@lease-premium/events';
import type { z } from 'zod';
import { MAX_BODY_BYTES } from '../app-services';
import type { AppendResult } from '../premium/driver-service';
import { withErrorHandling } from './error-handling';
import { driverKeyParam } from './path-params';
import { driverRefusalProblem } from './driver-refusal';
import { json, notFound } from './problem';
import { readJsonBody } from './request-body';
import { driverChangeView } from './representations';

export function driverHistoryAppendHandler<S extends z.ZodType>(
  schemaOn: (today: string) => S,
  what: string,
  now: () => Date,
  append: (driverKey: string, item: z.output<S>) => Promise<AppendResult>,
  /** Rules the schema cannot know (e.g. the rate table's currency): issues make a 400. */
  check: (item: z.output<S>) => ValidationIssue[] = () => [],
): HttpHandler {
  return withErrorHandling(async (request) => {
    const key = driverKeyParam(request);
    if (!key.ok) return key.response;
    const schema = schemaOn(now().toISOString().slice(0, 10));
    const parse = (input: unknown): Parsed<z.output<S>> => {
      const parsed = parseWith(schema, input);
      if (!parsed.ok) return parsed;
      const issues = check(parsed.value);
      return issues.length > 0 ? { ok: false, issues } : parsed;
    };
    const body = await readJsonBody(request, MAX_BODY_BYTES, parse, what);
    if (!body.ok) return body.response;
    const result = await append(key.value, body.value);
    if ('refused' in result) {
      if (result.refused === 'no-driver')
        return notFound(`no driver profile for ${key.value}; PUT /api/drivers/${key.value} first`);
      return driverRefusalProblem(key.value, result);
    }
    return json(result.changed ? 201 : 200, driverChangeView(result));
  });
}
