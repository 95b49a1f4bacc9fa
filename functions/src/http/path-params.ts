// Route parameters validated with the event package's key formats (400 naming the parameter).
// (LedgerId and PublicKey are both zod string schemas, hence the one parameter type.)
import type { HttpRequest } from '@azure/functions';
import { LedgerId, PublicKey } from '@lease-premium/events';
import type { HttpCheck } from './http-check';
import { validationProblem } from './problem';

function param(request: HttpRequest, name: string, schema: typeof LedgerId): HttpCheck<string> {
  const value = request.params[name] ?? '';
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = parsed.error.issues[0]?.message ?? 'is not valid';
  return { ok: false, response: validationProblem(`path parameter ${name} ${message}`, [{ path: name, message }]) };
}

export const driverKeyParam = (request: HttpRequest): HttpCheck<string> => param(request, 'driverKey', PublicKey);
export const assetIdParam = (request: HttpRequest): HttpCheck<string> => param(request, 'assetId', LedgerId);
